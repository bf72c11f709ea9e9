package dev.cognigyops.cognigyv2;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.RunFailure;
import dev.cognigyops.support.Json;

/**
 * One listing of the real Cognigy API read to its end (docs/contract.md §9): pages of {@code limit}
 * items ({@code limit} at most 100, {@code skip} the items before the page), each answered
 * {@code {items, total, nextCursor, previousCursor}}. The listing ends at an empty or short page or when
 * {@code skip} reaches {@code total}; it is bounded like every listing (at most {@code maxPages} pages,
 * setting cognigy.v2.max-pages) and fails UPSTREAM_ERROR past it rather than reading forever.
 */
public final class Listing {

    /** The API's own cap on {@code limit}. */
    public static final int MAX_LIMIT = 100;

    private final String what;
    private final int limit;
    private final int maxPages;
    private final ArrayNode items = Json.MAPPER.createArrayNode();
    private int pages;
    private long skip;
    private Long total;
    private boolean ended;

    /**
     * @param what     the listing, for messages, e.g. {@code GET /new/v2.0/flows}
     * @param limit    items a page, 1–100
     * @param maxPages pages at most
     */
    public Listing(String what, int limit, int maxPages) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("a page holds 1 to " + MAX_LIMIT + " items on the Cognigy API, asked " + limit);
        }
        if (maxPages < 1) {
            throw new IllegalArgumentException("a listing reads at least one page, asked " + maxPages);
        }
        this.what = what;
        this.limit = limit;
        this.maxPages = maxPages;
    }

    /** The next page's query: {@code limit} and {@code skip}. */
    public Map<String, String> nextPage() {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("limit", Integer.toString(limit));
        query.put("skip", Long.toString(skip));
        return query;
    }

    /** Takes one page's answer in; a page that is no page, or one past the bound, fails the run. */
    public void add(JsonNode page) {
        JsonNode pageItems = page == null ? null : page.get("items");
        if (pageItems == null || !pageItems.isArray()) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, what + " (skip " + skip + "): the answer has no 'items' list");
        }
        pages++;
        pageItems.forEach(items::add);
        skip += pageItems.size();
        JsonNode t = page.get("total");
        if (t != null && t.canConvertToLong()) {
            total = t.asLong();
        }
        ended = pageItems.isEmpty() || pageItems.size() < limit || (total != null && skip >= total);
        if (!ended && pages >= maxPages) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, what + ": still more after " + pages + " pages of " + limit
                    + " items (" + skip + " read" + (total == null ? "" : " of " + total)
                    + "); the limit is cognigy.v2.max-pages = " + maxPages);
        }
    }

    /** Whether another page is to be read. */
    public boolean more() {
        return !ended;
    }

    /** Every item read, in order. */
    public ArrayNode items() {
        return items;
    }

    public int pages() {
        return pages;
    }
}
