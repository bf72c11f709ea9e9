package dev.cognigyops.support;

import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.PropertiesFunction;

/**
 * The {@code {{switch:NAME}}} placeholder, "true" or "false", for routes' {@code autoStartup}:
 * <ul>
 *   <li>{@code kafka}: Kafka is on ({@code cognigy.kafka.brokers} is not blank);</li>
 *   <li>{@code triggers}: the service listens for requests (false under {@code run FILE});</li>
 *   <li>{@code kafka-triggers}: both;</li>
 *   <li>{@code server}: Camel's HTTP server is on ({@code camel.server.enabled}; off under {@code run FILE}),
 *       and {@code server-off} its opposite: the runs API's routes exist only with the server.</li>
 * </ul>
 */
public final class Switches implements PropertiesFunction {

    public static final String TRIGGERS = "cognigy.triggers.enabled";

    private final PropertiesComponent properties;

    public Switches(PropertiesComponent properties) {
        this.properties = properties;
    }

    @Override
    public String getName() {
        return "switch";
    }

    @Override
    public String apply(String remainder) {
        return Boolean.toString(switch (remainder.trim()) {
            case "kafka" -> kafka();
            case "triggers" -> triggers();
            case "kafka-triggers" -> kafka() && triggers();
            case "server" -> server();
            case "server-off" -> !server();
            default -> throw new IllegalArgumentException("unknown switch '" + remainder
                    + "' (kafka, triggers, kafka-triggers, server, server-off)");
        });
    }

    private boolean kafka() {
        return properties.resolveProperty("cognigy.kafka.brokers").map(String::trim).filter(s -> !s.isEmpty()).isPresent();
    }

    private boolean server() {
        return properties.resolveProperty("camel.server.enabled").map(String::trim).map(Boolean::parseBoolean).orElse(false);
    }

    private boolean triggers() {
        return properties.resolveProperty(TRIGGERS).map(String::trim).map(Boolean::parseBoolean).orElse(true);
    }
}
