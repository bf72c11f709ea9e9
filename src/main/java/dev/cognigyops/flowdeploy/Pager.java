package dev.cognigyops.flowdeploy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.RunFailure;

/**
 * Reads a {@code {items, total, limit, offset}} listing page by page until {@code total} items are
 * in, and never forever: a page that brings no new item before the total is reached, or more pages
 * than {@code maxPages}, means the listing is inconsistent, and the run fails rather than act on
 * part of it. Items are kept by {@code id}, in the order first seen; an item repeated as it was
 * (overlapping pages) is kept once, two different items under one id fail the run.
 *
 * <p>A value: {@link #accept} returns the listing with one more page, so a run's state can hold where
 * its paging is ({@code byKey} are the items by id, {@code pages} read so far, {@code total} the last
 * page's).
 */
public record Pager(String what, int pageSize, int maxPages, Map<String, JsonNode> byKey, int pages, long total,
                    boolean done) {

    public Pager {
        if (pageSize < 1 || maxPages < 1) {
            throw new IllegalArgumentException("page size and max pages must be at least 1");
        }
        byKey = byKey == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(byKey));
    }

    /** A listing not read yet. @param what the listing, for messages, e.g. {@code flows} */
    public Pager(String what, int pageSize, int maxPages) {
        this(what, pageSize, maxPages, Map.of(), 0, -1, false);
    }

    /** Whether another page must be read. */
    public boolean hasNext() {
        return !done;
    }

    /** The offset of the next page: the number of items read so far. */
    public int nextOffset() {
        return byKey.size();
    }

    /** Takes one page: the listing with it; fails the run when the listing contradicts itself. */
    public Pager accept(JsonNode page) {
        int pageNumber = pages + 1;
        JsonNode list = page.path("items");
        if (!list.isArray()) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "the " + what + " listing page " + pageNumber
                    + " has no items array: " + abbreviate(page.toString()));
        }
        if (!page.path("total").canConvertToLong()) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "the " + what + " listing page " + pageNumber + " has no total");
        }
        long newTotal = page.path("total").asLong();
        Map<String, JsonNode> items = new LinkedHashMap<>(byKey);
        int before = items.size();
        int position = 0;
        for (JsonNode item : list) {
            String id = item.path("id").isValueNode() ? item.path("id").asText() : null;
            // an item without an id is kept (the flow schema names it); it cannot repeat by id
            String key = id == null || id.isBlank() ? "#page" + pageNumber + "-" + position : id;
            JsonNode earlier = items.putIfAbsent(key, item);
            if (earlier != null && !earlier.equals(item)) {
                // pages that overlap repeat an item as it was; two different items under one id are not that
                throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "the " + what + " listing has two different items with id "
                        + id + " (page " + pageNumber + "); not choosing one");
            }
            position++;
        }
        if (items.size() >= newTotal) {
            return new Pager(what, pageSize, maxPages, items, pageNumber, newTotal, true);
        }
        if (items.size() == before) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "the " + what + " listing says total " + newTotal
                    + " but page " + pageNumber + " (offset " + before + ") brought no new item after " + before
                    + "; not acting on a partial listing");
        }
        if (pageNumber >= maxPages) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "the " + what + " listing says total " + newTotal
                    + " but " + pageNumber + " pages brought only " + items.size() + " items (limit " + maxPages
                    + " pages, setting cognigy.flow-deploy.max-pages)");
        }
        return new Pager(what, pageSize, maxPages, items, pageNumber, newTotal, false);
    }

    /** The items read so far, in the order first seen. */
    public List<JsonNode> items() {
        return new ArrayList<>(byKey.values());
    }

    /** The ids of the items read so far. */
    public List<String> ids() {
        List<String> ids = new ArrayList<>();
        byKey.values().forEach(item -> ids.add(item.path("id").asText()));
        return ids;
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
