package dev.cognigyops.runs;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.cognigyops.support.Json;

/**
 * Turns the text of a run request (docs/contract.md#run-requests) into a {@link RunContext}: parses the envelope, gives
 * the run its id, refuses a requestId that has already run, and checks the payload against the
 * operation's rules. Bad input never throws: it yields a REJECTED run naming every violation.
 */
public final class RunRequests {

    private static final Set<String> ENVELOPE_FIELDS = Set.of("operation", "requestId", "payload");
    private static final int MAX_REQUEST_ID = 200;

    private final Map<String, Operation> operations = new LinkedHashMap<>();
    private final RunLedger ledger;
    private final Clock clock;
    private final dev.cognigyops.cognigyv2.ApiProfile profile;

    public RunRequests(Iterable<Operation> known, RunLedger ledger, Clock clock) {
        this(known, ledger, clock, dev.cognigyops.cognigyv2.ApiProfile.SEEDS);
    }

    /** @param profile the API the instance speaks (cognigy.api.profile): it decides which payload rules apply */
    public RunRequests(Iterable<Operation> known, RunLedger ledger, Clock clock, dev.cognigyops.cognigyv2.ApiProfile profile) {
        known.forEach(op -> operations.put(op.name(), op));
        this.ledger = ledger;
        this.clock = clock;
        this.profile = profile;
    }

    /**
     * The operation's payload rules on this instance's profile. On cognigy-v2 an operation not yet
     * built for it is refused by name: its seeds route is never run against a real tenant.
     */
    private void validate(String operation, JsonNode payload, Violations violations) {
        Operation op = operations.get(operation);
        if (profile == dev.cognigyops.cognigyv2.ApiProfile.SEEDS) {
            op.validate(payload, violations);
        } else if (op.onCognigyV2()) {
            op.validateOnCognigyV2(payload, violations);
        } else {
            violations.add("operation", "operation " + operation + " is not available on profile "
                    + profile.label() + " yet (" + dev.cognigyops.cognigyv2.ApiProfile.SETTING + "); available there: "
                    + String.join(", ", operations.values().stream().filter(Operation::onCognigyV2).map(Operation::name).toList()));
        }
    }

    public Operation operation(String name) {
        Operation op = operations.get(name);
        if (op == null) {
            throw new IllegalArgumentException("unknown operation " + name);
        }
        return op;
    }

    /**
     * @param text          the request as sent
     * @param trigger       how it arrived
     * @param source        where it came from (file name, topic/partition/offset, schedule name, path)
     * @param operationHint for a bare payload dropped in a folder named after an operation; else null
     */
    public RunContext open(String text, Trigger trigger, String source, String operationHint) {
        return open(new RequestText(text, null), trigger, source, operationHint);
    }

    /**
     * @param request the request's text, or why its bytes are no request's text (too large, not UTF-8):
     *                such a request is REJECTED like any other, with a run of its own
     */
    public RunContext open(RequestText request, Trigger trigger, String source, String operationHint) {
        var violations = new Violations();
        JsonNode envelope = request.isRefused() ? refused(request, violations) : parseEnvelope(request.text(), operationHint, violations);

        String requestId = null;
        String operation = null;
        JsonNode payload = null;
        if (envelope != null) {
            requestId = requestId(envelope, violations);
            operation = operationName(envelope, violations);
            payload = payload(envelope, violations);
            violations.rejectUnknownFields(envelope, "", ENVELOPE_FIELDS);
        }
        String runId = requestId != null ? RunIds.fromRequestId(requestId) : RunIds.newRunId(clock.instant());

        if (requestId != null && !ledger.claim(runId)) {
            return new RunContext(runId, requestId, operation, trigger, source, clock.instant(), payload,
                    RunContext.Admission.DUPLICATE, java.util.List.of());
        }
        if (requestId == null) {
            ledger.claim(runId);
        }
        if (operation != null && payload != null && payload.isObject()) {
            validate(operation, payload, violations);
        }
        var admission = violations.isEmpty() ? RunContext.Admission.ACCEPTED : RunContext.Admission.REJECTED;
        return new RunContext(runId, requestId, operation, trigger, source, clock.instant(), payload, admission,
                violations.list());
    }

    /**
     * A run the run store holds, going on after its instance died: the same run id and start, its
     * request as it was accepted then ({@link #envelope}), not checked again.
     */
    public RunContext reopen(String envelopeText, Trigger trigger, String source, String runId, java.time.Instant startedAt) {
        var violations = new Violations();
        JsonNode envelope = parseEnvelope(envelopeText, null, violations);
        String requestId = envelope == null ? null : requestId(envelope, violations);
        String operation = envelope == null ? null : operationName(envelope, violations);
        JsonNode payload = envelope == null ? null : payload(envelope, violations);
        ledger.claim(runId);
        var admission = violations.isEmpty() ? RunContext.Admission.ACCEPTED : RunContext.Admission.REJECTED;
        return new RunContext(runId, requestId, operation, trigger, source, startedAt, payload, admission,
                violations.list());
    }

    /** The request of an accepted run as the run store keeps it: operation, requestId and payload, whatever form it came in. */
    public static String envelope(RunContext run) {
        ObjectNode envelope = Json.object();
        envelope.put("operation", run.operation());
        if (run.requestId() != null) {
            envelope.put("requestId", run.requestId());
        }
        envelope.set("payload", run.payload());
        return Json.write(envelope);
    }

    /** Every violation of the request, without opening a run: for triggers that screen before handing off. */
    public java.util.List<String> check(String text, String operationHint) {
        return check(new RequestText(text, null), operationHint);
    }

    /** {@link #check(String, String)} for a request as it arrived in bytes. */
    public java.util.List<String> check(RequestText request, String operationHint) {
        var violations = new Violations();
        JsonNode envelope = request.isRefused() ? refused(request, violations) : parseEnvelope(request.text(), operationHint, violations);
        if (envelope != null) {
            requestId(envelope, violations);
            String operation = operationName(envelope, violations);
            JsonNode payload = payload(envelope, violations);
            violations.rejectUnknownFields(envelope, "", ENVELOPE_FIELDS);
            if (operation != null && payload != null) {
                validate(operation, payload, violations);
            }
        }
        return violations.list();
    }

    private JsonNode parseEnvelope(String text, String operationHint, Violations violations) {
        if (text == null || text.isBlank()) {
            violations.add("request", "is empty; expected a JSON object");
            return null;
        }
        JsonNode parsed;
        try {
            parsed = RequestJson.parse(text);
        } catch (RequestJson.Unreadable e) {
            violations.add(e.path(), e.problem());
            return null;
        }
        if (parsed == null || !parsed.isObject()) {
            violations.add("request", "must be a JSON object");
            return null;
        }
        if (operationHint == null) {
            return parsed;
        }
        // a bare payload dropped in inbox/<operation>/ is the payload of an envelope for that operation
        ObjectNode envelope = Json.object();
        envelope.put("operation", operationHint);
        envelope.set("payload", parsed);
        return envelope;
    }

    private static JsonNode refused(RequestText request, Violations violations) {
        violations.add("request", request.problem());
        return null;
    }

    private String requestId(JsonNode envelope, Violations violations) {
        JsonNode value = envelope.get("requestId");
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            violations.add("requestId", "must be a non-blank string");
            return null;
        }
        if (value.asText().length() > MAX_REQUEST_ID) {
            violations.add("requestId", "must be at most " + MAX_REQUEST_ID + " characters");
            return null;
        }
        return value.asText();
    }

    private String operationName(JsonNode envelope, Violations violations) {
        JsonNode value = envelope.get("operation");
        String known = String.join(", ", new TreeSet<>(operations.keySet()));
        if (value == null || value.isNull()) {
            violations.add("operation", "is required (one of: " + known + ")");
            return null;
        }
        if (!value.isTextual() || !operations.containsKey(value.asText())) {
            violations.add("operation", "unknown operation '" + value.asText() + "' (one of: " + known + ")");
            return null;
        }
        return value.asText();
    }

    private JsonNode payload(JsonNode envelope, Violations violations) {
        JsonNode value = envelope.get("payload");
        if (value == null || value.isNull()) {
            violations.add("payload", "is required");
            return null;
        }
        if (!value.isObject()) {
            violations.add("payload", "must be a JSON object");
            return null;
        }
        return value;
    }
}
