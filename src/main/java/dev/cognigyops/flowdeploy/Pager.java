package dev.cognigyops.flowdeploy;

import java.util.ArrayList;
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
 */
public final class Pager {

    private final String what;
    private final int pageSize;
    private final int maxPages;
    private final Map<String, JsonNode> items = new LinkedHashMap<>();
    private int pages;
    private long total = -1;
    private boolean done;

    /** @param what the listing, for messages, e.g. {@code flows} */
    public Pager(String what, int pageSize, int maxPages) {
        if (pageSize < 1 || maxPages < 1) {
            throw new IllegalArgumentException("page size and max pages must be at least 1");
        }
        this.what = what;
        this.pageSize = pageSize;
        this.maxPages = maxPages;
    }

    public String what() {
        return what;
    }

    /** Whether another page must be read. */
    public boolean hasNext() {
        return !done;
    }

    /** The offset of the next page: the number of items read so far. */
    public int nextOffset() {
        return items.size();
    }

    public int pageSize() {
        return pageSize;
    }

    /** Takes one page; fails the run when the listing contradicts itself. */
    public void accept(JsonNode page) {
        pages++;
        JsonNode list = page.path("items");
        if (!list.isArray()) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "the " + what + " listing page " + pages
                    + " has no items array: " + abbreviate(page.toString()));
        }
        if (!page.path("total").canConvertToLong()) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "the " + what + " listing page " + pages + " has no total");
        }
        total = page.path("total").asLong();
        int before = items.size();
        int position = 0;
        for (JsonNode item : list) {
            String id = item.path("id").isValueNode() ? item.path("id").asText() : null;
            // an item without an id is kept (the flow schema names it); it cannot repeat by id
            String key = id == null || id.isBlank() ? "#page" + pages + "-" + position : id;
            JsonNode earlier = items.putIfAbsent(key, item);
            if (earlier != null && !earlier.equals(item)) {
                // pages that overlap repeat an item as it was; two different items under one id are not that
                throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "the " + what + " listing has two different items with id "
                        + id + " (page " + pages + "); not choosing one");
            }
            position++;
        }
        if (items.size() >= total) {
            done = true;
            return;
        }
        if (items.size() == before) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "the " + what + " listing says total " + total
                    + " but page " + pages + " (offset " + before + ") brought no new item after " + before
                    + "; not acting on a partial listing");
        }
        if (pages >= maxPages) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "the " + what + " listing says total " + total
                    + " but " + pages + " pages brought only " + items.size() + " items (limit " + maxPages
                    + " pages, setting cognigy.flow-deploy.max-pages)");
        }
    }

    public List<JsonNode> items() {
        return new ArrayList<>(items.values());
    }

    public int pages() {
        return pages;
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
