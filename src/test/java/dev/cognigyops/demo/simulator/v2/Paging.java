package dev.cognigyops.demo.simulator.v2;

import dev.cognigyops.demo.simulator.SimRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The v2.0 list contract: {@code limit} (default 25, at most 100: a larger limit is REFUSED with 400 code
 * 1005, not capped), {@code skip}, or the opaque 24-character cursors {@code next}/{@code previous};
 * {@code sort=field:asc|desc}; the answer {@code {items, total, nextCursor, previousCursor}} with null
 * cursors at either end.
 */
final class Paging {

    static final int DEFAULT_LIMIT = 25;
    static final int MAX_LIMIT = 100;

    private Paging() {}

    static Map<String, Object> page(SimRequest request, List<Map<String, Object>> all) {
        int limit = intParam(request, "limit", DEFAULT_LIMIT);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw Problem.invalid("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
        int skip = intParam(request, "skip", 0);
        if (skip < 0) {
            throw Problem.invalid("skip must be >= 0, was " + skip);
        }
        if (request.queryParam("next") != null) {
            skip = decode(request.queryParam("next"));
        } else if (request.queryParam("previous") != null) {
            skip = decode(request.queryParam("previous"));
        }
        List<Map<String, Object>> sorted = sort(all, request.queryParam("sort"));
        int total = sorted.size();
        int from = Math.min(skip, total);
        int to = Math.min(from + limit, total);
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("items", new ArrayList<>(sorted.subList(from, to)));
        page.put("total", total);
        page.put("nextCursor", to < total ? encode(to) : null);
        page.put("previousCursor", from > 0 ? encode(Math.max(0, from - limit)) : null);
        return page;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static List<Map<String, Object>> sort(List<Map<String, Object>> all, String sort) {
        if (sort == null || sort.isBlank()) {
            return all;
        }
        String[] parts = sort.split(":");
        String field = parts[0];
        boolean descending = parts.length > 1 && "desc".equalsIgnoreCase(parts[1]);
        if (parts.length > 2 || parts.length > 1 && !parts[1].matches("(?i)asc|desc")) {
            throw Problem.invalid("sort must be field:asc or field:desc, was " + sort);
        }
        Comparator<Map<String, Object>> order = Comparator.comparing(
                item -> (Comparable) item.get(field), Comparator.nullsFirst(Comparator.naturalOrder()));
        List<Map<String, Object>> sorted = new ArrayList<>(all);
        sorted.sort(descending ? order.reversed() : order);   // stable: ties keep creation order
        return sorted;
    }

    static int intParam(SimRequest request, String name, int defaultValue) {
        String value = request.queryParam(name);
        if (value == null || value.isEmpty()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw Problem.invalid(name + " must be an integer, was " + value);
        }
    }

    static String encode(int offset) {
        return String.format("%024x", offset);
    }

    private static int decode(String cursor) {
        if (!cursor.matches("[0-9a-f]{24}")) {
            throw Problem.invalid("Invalid cursor " + cursor);
        }
        return Integer.parseInt(cursor, 16);
    }
}
