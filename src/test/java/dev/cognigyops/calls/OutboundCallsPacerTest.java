package dev.cognigyops.calls;

import java.time.Instant;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.cognigyops.testsupport.AppSettings;
import dev.cognigyops.testsupport.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/** A {@link CallPacer} lengthens the wait before a retry of its call, never shortens it, and ends with the call. */
class OutboundCallsPacerTest {

    DefaultCamelContext context = new DefaultCamelContext();
    MutableClock clock = new MutableClock(Instant.parse("2026-01-15T10:00:00Z"));
    OutboundCalls calls;
    Exchange exchange;

    @BeforeEach
    void setUp() {
        Properties p = new Properties();
        p.setProperty("cognigy.retry.jitter", "0");
        calls = new OutboundCalls(null, null, new RetryPolicy(() -> 0.5), AppSettings.with(p), null, clock);
        exchange = new DefaultExchange(context);
        exchange.setProperty(OutboundCalls.CALL, OutboundCall.cognigy("GET", "/v1/deployments/d/status", null, null, "r"));
        exchange.setProperty(OutboundCalls.STATE, new OutboundCalls.CallState(clock.instant()));
        exchange.setException(new HttpOperationFailedException("http://t/v1/deployments/d/status", 429, "Too Many Requests", null,
                Map.of("Retry-After", "1"), ""));
    }

    long plannedDelay() {
        calls.planRetry(exchange);
        return exchange.getMessage().getHeader(Exchange.REDELIVERY_DELAY, Long.class);
    }

    @Test
    void withoutAPacerTheRetryPolicyDecides() {
        assertThat(plannedDelay()).isEqualTo(1000);
    }

    @Test
    void aPacerThatNeedsLongerWins() {
        exchange.setProperty(OutboundCalls.PACER, (CallPacer) proposed -> proposed + 4000);
        assertThat(plannedDelay()).isEqualTo(5000);
    }

    @Test
    void aPacerCannotShortenRetryAfter() {
        exchange.setProperty(OutboundCalls.PACER, (CallPacer) proposed -> 10);
        assertThat(plannedDelay()).isEqualTo(1000);
    }

    @Test
    void thePacerEndsWithItsCall() throws Exception {
        exchange.setProperty(OutboundCalls.PACER, (CallPacer) proposed -> proposed);
        exchange.setException(null);
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        exchange.getMessage().setBody("{}");
        calls.complete(exchange);
        assertThat(exchange.getProperty(OutboundCalls.PACER)).isNull();

        exchange.setProperty(OutboundCalls.PACER, (CallPacer) proposed -> proposed);
        calls.failed(exchange);
        assertThat(exchange.getProperty(OutboundCalls.PACER)).isNull();
    }
}
