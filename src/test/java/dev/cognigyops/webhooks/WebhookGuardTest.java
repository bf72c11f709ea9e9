package dev.cognigyops.webhooks;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import dev.cognigyops.calls.OutboundCall;
import dev.cognigyops.calls.OutboundCalls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The call-time check: a request's webhook host is resolved again before every attempt. */
class WebhookGuardTest {

    static final String HOOK = "https://hooks.example.com/cognigy?key=abc";
    static final String DEFAULT = "https://ops.example.com/hooks/nlu";

    /** A DNS that answers each lookup with the next of the given answers, and remembers what was asked. */
    static final class ScriptedDns implements WebhookGuard.Resolver {
        final Deque<String> answers = new ArrayDeque<>();
        final List<String> asked = new ArrayList<>();

        ScriptedDns(String... answers) {
            this.answers.addAll(List.of(answers));
        }

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            asked.add(host);
            String answer = answers.size() > 1 ? answers.poll() : answers.peek();
            if (answer == null || answer.equals("NXDOMAIN")) {
                throw new UnknownHostException(host);
            }
            List<InetAddress> addresses = new ArrayList<>();
            for (String a : answer.split(",")) {
                addresses.add(InetAddress.getByName(a));
            }
            return addresses.toArray(InetAddress[]::new);
        }
    }

    static WebhookGuard guard(String allowedUrls, ScriptedDns dns) {
        return new WebhookGuard(WebhookTargets.of(allowedUrls), DEFAULT, dns);
    }

    @Test
    void aHostThatResolvesToAnyNonPublicAddressIsRefused() {
        assertThat(guard("", new ScriptedDns("93.184.216.34")).refusal(HOOK)).isEmpty();
        assertThat(guard("", new ScriptedDns("93.184.216.34,10.0.0.7")).refusal(HOOK)).contains(
                "hooks.example.com resolves to 10.0.0.7, a private address; only public addresses may be called while "
                        + "cognigy.webhook.allowed-urls is blank");
        assertThat(guard("", new ScriptedDns("::1")).refusal(HOOK).orElseThrow()).contains("a loopback address");
        assertThat(guard("", new ScriptedDns("169.254.169.254")).refusal("https://metadata/latest").orElseThrow())
                .startsWith("metadata resolves to 169.254.169.254, a link-local address");
    }

    @Test
    void aHostThatDoesNotResolveIsLeftToFailAsUnreachable() {
        assertThat(guard("", new ScriptedDns("NXDOMAIN")).refusal(HOOK)).isEmpty();
    }

    @Test
    void theOperatorsOwnTargetsAreNotResolved() {
        ScriptedDns dns = new ScriptedDns("127.0.0.1");
        assertThat(guard("", dns).refusal(DEFAULT)).as("cognigy.webhook.url").isEmpty();
        assertThat(guard("https://hooks.example.com", dns).refusal(HOOK)).as("a listed prefix").isEmpty();
        assertThat(dns.asked).isEmpty();
    }

    @Test
    void everyAttemptOfAMarkedCallIsCheckedAgain() {
        // DNS rebinding: public when the request came, loopback by the retry
        ScriptedDns dns = new ScriptedDns("93.184.216.34", "127.0.0.1");
        WebhookGuard guard = guard("", dns);
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(OutboundCalls.CALL, OutboundCall.webhook(HOOK, JsonNodeFactory.instance.objectNode(),
                "WEBHOOK_SENT", "nlu:m:1"));
        guard.guard(exchange);

        assertThatCode(() -> guard.beforeEachAttempt(exchange)).doesNotThrowAnyException();
        assertThatThrownBy(() -> guard.beforeEachAttempt(exchange)).isInstanceOf(WebhookGuard.Refused.class)
                .hasMessage("POST https://hooks.example.com/cognigy was not sent: hooks.example.com resolves to 127.0.0.1, "
                        + "a loopback address; only public addresses may be called while cognigy.webhook.allowed-urls is blank");
        assertThat(dns.asked).containsExactly("hooks.example.com", "hooks.example.com");
    }

    @Test
    void onlyTheMarkedWebhookCallIsChecked() throws Exception {
        ScriptedDns dns = new ScriptedDns("127.0.0.1");
        WebhookGuard guard = guard("", dns);
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(OutboundCalls.CALL, OutboundCall.webhook(DEFAULT, null, "WEBHOOK_SENT", "r"));
        guard.guard(exchange);
        guard.beforeEachAttempt(exchange);
        assertThat(exchange.getProperty(WebhookGuard.GUARDED)).as("the default target is not marked").isNull();

        exchange.setProperty(OutboundCalls.CALL, OutboundCall.webhook(HOOK, null, "WEBHOOK_SENT", "r"));
        guard.guard(exchange);
        // a Cognigy call made while the mark is still there (it is not the marked target)
        exchange.setProperty(OutboundCalls.CALL, OutboundCall.cognigy("GET", "/api/v1/jobs/1", null, "X", "r"));
        guard.beforeEachAttempt(exchange);
        WebhookGuard.release(exchange);
        exchange.setProperty(OutboundCalls.CALL, OutboundCall.webhook(HOOK, null, "WEBHOOK_SENT", "r"));
        guard.beforeEachAttempt(exchange);

        assertThat(dns.asked).isEmpty();
        assertThat(Optional.ofNullable(exchange.getProperty(WebhookGuard.GUARDED))).isEmpty();
    }
}
