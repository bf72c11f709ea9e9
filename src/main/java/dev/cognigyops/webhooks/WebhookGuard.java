package dev.cognigyops.webhooks;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Optional;

import org.apache.camel.Exchange;

import dev.cognigyops.calls.OutboundCall;
import dev.cognigyops.calls.OutboundCalls;
import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.RunFailure;

/**
 * The call-time half of {@link WebhookTargets}: with {@code cognigy.webhook.allowed-urls} blank, a
 * request's webhook host is resolved again right before every attempt (DNS may have changed since the
 * request was validated, or between two retries) and the call is not made when any address is not
 * public. The operator's own default target ({@code cognigy.webhook.url}) and prefixes the operator
 * listed are trusted and not resolved here.
 * <p>
 * The check and the HTTP client both resolve through the JVM's address cache (30 s by default), so
 * the client connects to the addresses just checked; only a cache entry expiring in the instant
 * between the two could differ. A host that does not resolve is left to the call, which fails as
 * unreachable (and is retried like any unreachable webhook).
 */
public final class WebhookGuard {

    /** Exchange property: the target of the webhook call that must be checked before each attempt. */
    public static final String GUARDED = "webhookGuardedTarget";

    /** How a host name is resolved; the JVM's resolver in production. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** A webhook call that was not made: its host resolves to an address a request may not reach. */
    public static final class Refused extends RunFailure {
        Refused(String message) {
            super(ErrorCode.FORBIDDEN, message);
        }
    }

    private final WebhookTargets targets;
    private final String trustedUrl;
    private final Resolver resolver;

    /**
     * @param trustedUrl the operator's default webhook ({@code cognigy.webhook.url}), or null
     */
    public WebhookGuard(WebhookTargets targets, String trustedUrl, Resolver resolver) {
        this.targets = targets;
        this.trustedUrl = trustedUrl;
        this.resolver = resolver;
    }

    /** Whether calls to this URL need their host's addresses checked first. */
    public boolean needsAddressCheck(String url) {
        return !targets.hasAllowList() && !url.equals(trustedUrl);
    }

    /**
     * Resolves the URL's host now: why it must not be called, or empty when it may (or does not
     * resolve, so that the call fails as unreachable).
     */
    public Optional<String> refusal(String url) {
        if (!needsAddressCheck(url)) {
            return Optional.empty();
        }
        String host;
        try {
            host = URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return Optional.of("not a usable URL");
        }
        if (host == null) {
            return Optional.of("not a usable URL");
        }
        String name = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(name);
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        WebhookTargets.Verdict verdict = targets.checkAddresses(host, addresses);
        return verdict.allowed() ? Optional.empty() : Optional.of(verdict.reason());
    }

    /** Step of {@code direct:notify-webhook}: mark the call so that each of its attempts is checked. */
    public void guard(Exchange exchange) {
        OutboundCall call = exchange.getProperty(OutboundCalls.CALL, OutboundCall.class);
        if (call != null && needsAddressCheck(call.target())) {
            exchange.setProperty(GUARDED, call.target());
        } else {
            exchange.removeProperty(GUARDED);
        }
    }

    /**
     * From the {@code outbound-calls} configuration, before every attempt of every call: a marked
     * webhook call whose host now resolves to a non-public address is not sent.
     */
    public void beforeEachAttempt(Exchange exchange) {
        String guarded = exchange.getProperty(GUARDED, String.class);
        OutboundCall call = exchange.getProperty(OutboundCalls.CALL, OutboundCall.class);
        if (guarded == null || call == null || !guarded.equals(call.target())) {
            return;
        }
        Optional<String> refusal = refusal(call.target());
        if (refusal.isPresent()) {
            throw new Refused(call.describe() + " was not sent: " + refusal.get());
        }
    }

    /** The call is over, delivered or not. */
    public static void release(Exchange exchange) {
        exchange.removeProperty(GUARDED);
    }
}
