package dev.cognigyops.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The query of {@code GET /api/runs} (docs/contract.md §8), checked: every parameter known, every
 * filter value one the API knows, {@code limit} 1..500 (50 when not given), {@code since} an ISO-8601
 * instant, {@code cursor} one a page gave. A parameter given empty ({@code status=}) is not given.
 * Every violation is named, as a rejected request's are.
 */
public record ListQuery(String operation, String status, String trigger, Instant since, int limit, Cursor after) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;
    public static final List<String> PARAMETERS = List.of("operation", "status", "trigger", "since", "limit", "cursor");
    public static final List<String> STATUSES = List.of("RUNNING", "SUCCEEDED", "FAILED", "CANCELLED", "REJECTED");
    public static final List<String> TRIGGERS = List.of("kafka", "file", "schedule", "cli", "api");
    /** The longest part of a value repeated in a violation. */
    private static final int SHOWN = 80;

    /** The query, or every violation of it. */
    public record Checked(ListQuery query, List<String> violations) {
        public boolean isValid() {
            return violations.isEmpty();
        }
    }

    /**
     * @param rawQuery   the URL's query as sent (without '?'), or null
     * @param operations the operations this instance knows
     */
    public static Checked check(String rawQuery, List<String> operations) {
        List<String> violations = new ArrayList<>();
        Map<String, String> params = params(rawQuery, Set.copyOf(PARAMETERS), violations);
        String operation = oneOf(params, "operation", operations, violations);
        String status = oneOf(params, "status", STATUSES, violations);
        String trigger = oneOf(params, "trigger", TRIGGERS, violations);
        Instant since = null;
        if (params.containsKey("since")) {
            try {
                since = Instant.parse(params.get("since"));
            } catch (DateTimeParseException e) {
                violations.add("since: " + shown(params.get("since")) + " is not an ISO-8601 instant (e.g. 2026-01-31T12:00:00Z)");
            }
        }
        int limit = DEFAULT_LIMIT;
        if (params.containsKey("limit")) {
            String text = params.get("limit");
            int parsed = text.matches("[0-9]{1,4}") ? Integer.parseInt(text) : -1;
            if (parsed < 1 || parsed > MAX_LIMIT) {
                violations.add("limit: " + shown(text) + " is not a whole number from 1 to " + MAX_LIMIT);
            } else {
                limit = parsed;
            }
        }
        Cursor after = null;
        if (params.containsKey("cursor")) {
            after = Cursor.decode(params.get("cursor")).orElse(null);
            if (after == null) {
                violations.add("cursor: " + shown(params.get("cursor")) + " is not a cursor of this API (give the nextCursor of the previous page)");
            }
        }
        return violations.isEmpty()
                ? new Checked(new ListQuery(operation, status, trigger, since, limit, after), List.of())
                : new Checked(null, List.copyOf(violations));
    }

    /** Every violation of a query that takes none of these parameters but {@code allowed} (e.g. none at all). */
    public static List<String> checkOnly(String rawQuery, Set<String> allowed) {
        List<String> violations = new ArrayList<>();
        params(rawQuery, allowed, violations);
        return List.copyOf(violations);
    }

    /** The query's parameters by name; unknown, repeated or undecodable ones are violations. */
    static Map<String, String> params(String rawQuery, Set<String> allowed, List<String> violations) {
        Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        Set<String> seen = new java.util.HashSet<>();
        List<String> sorted = allowed.stream().sorted(java.util.Comparator.comparingInt(PARAMETERS::indexOf)).toList();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                violations.add("query: " + shown(pair) + " is not URL-encoded");
                continue;
            }
            if (!allowed.contains(name)) {
                violations.add(shownName(name) + ": is not a parameter here"
                        + (sorted.isEmpty() ? " (this path takes none)" : " (" + String.join(", ", sorted) + ")"));
                continue;
            }
            if (!seen.add(name)) {
                violations.add(name + ": is given more than once");
                continue;
            }
            if (!value.isEmpty()) {
                params.put(name, value);
            }
        }
        return params;
    }

    private static String oneOf(Map<String, String> params, String name, List<String> known, List<String> violations) {
        String value = params.get(name);
        if (value == null) {
            return null;
        }
        if (!known.contains(value)) {
            violations.add(name + ": " + shown(value) + " is not one of " + String.join(", ", known));
            return null;
        }
        return value;
    }

    private static String shown(String value) {
        String cut = value.length() > SHOWN ? value.substring(0, SHOWN) + "..." : value;
        return "'" + cut + "'";
    }

    private static String shownName(String name) {
        return name.length() > SHOWN ? name.substring(0, SHOWN) + "..." : name;
    }
}
