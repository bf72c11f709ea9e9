package dev.cognigyops.calls;

import java.util.Locale;
import java.util.Set;

import dev.cognigyops.support.CanonicalJson;

/**
 * The {@code Idempotency-Key} of a call that changes something on the tenant (POST, PUT, PATCH,
 * DELETE): {@code <runId>:<step>}, where the step is the call's audit action (or its method), its
 * path, and — when it has a body — the first 12 hex digits of the SHA-256 of the body's canonical
 * JSON (RFC 8785). A call's body is built from the run's state alone, so the key is the same on every
 * retry and after a resume, and two different calls of one run (a sync job per region, a push per
 * flow) never share one. A read carries none.
 */
public final class IdempotencyKey {

    public static final String HEADER = "Idempotency-Key";
    private static final Set<String> CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

    private IdempotencyKey() {
    }

    /**
     * A webhook's event id, sent as its {@code Idempotency-Key}: {@code <runId>:<action>}. Its body
     * carries the time it was built, so the body is not part of it: a webhook whose delivery was
     * unknown at a crash is delivered again with the same id, and the receiver can drop the repeat.
     */
    public static String ofWebhook(String runId, OutboundCall call) {
        if (runId == null) {
            return null;
        }
        return runId + ":" + (call.action() == null || call.action().isBlank() ? "WEBHOOK" : call.action());
    }

    /** The key of this run's call, or null when the call changes nothing. */
    public static String of(String runId, OutboundCall call) {
        if (runId == null || !CHANGING.contains(call.method().toUpperCase(Locale.ROOT))) {
            return null;
        }
        String step = (call.action() == null || call.action().isBlank() ? call.method().toUpperCase(Locale.ROOT) : call.action())
                + "@" + call.target();
        if (call.body() != null && !call.body().isNull()) {
            step += "#" + CanonicalJson.sha256(call.body()).substring(0, 12);
        }
        return runId + ":" + step;
    }
}
