package dev.cognigyops.cognigyv2;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.camel.Exchange;

import dev.cognigyops.calls.OutboundCall;
import dev.cognigyops.calls.OutboundCalls;

/**
 * The steps of the route template {@code cognigy-v2-list} ({@code routes/platform/cognigy-v2.camel.yaml}):
 * a listing of the real Cognigy API read page by page to its end ({@link Listing}), each page one call
 * through {@code direct:cognigy-call} (budget, key, retries, audit as every call).
 */
public final class ListingSteps {

    public static final String LISTING = "cognigyListing";

    private final int pageSize;
    private final int maxPages;

    /** @param pageSize items a page (cognigy.v2.page-size, 1–100); @param maxPages pages at most (cognigy.v2.max-pages) */
    public ListingSteps(int pageSize, int maxPages) {
        new Listing("settings", pageSize, maxPages);
        this.pageSize = pageSize;
        this.maxPages = maxPages;
    }

    /** A new listing of the path the template names. */
    public void begin(Exchange exchange) {
        exchange.setProperty(LISTING, new Listing("GET " + exchange.getMessage().getHeader("callPath", String.class),
                pageSize, maxPages));
    }

    /** The loop's {@code doWhile}. */
    public boolean more(Exchange exchange) {
        return listing(exchange).more();
    }

    /** After callSteps.cognigy built the call: the page's limit and skip added to its query. */
    public void pageCall(Exchange exchange) {
        OutboundCall call = exchange.getProperty(OutboundCalls.CALL, OutboundCall.class);
        Map<String, String> query = new LinkedHashMap<>(call.query());
        query.putAll(listing(exchange).nextPage());
        exchange.setProperty(OutboundCalls.CALL, call.withQuery(query));
    }

    /** The page's answer taken in. */
    public void pageRead(Exchange exchange) {
        listing(exchange).add(OutboundCalls.response(exchange));
        exchange.removeProperty(OutboundCalls.RESPONSE);
    }

    /** After the loop: every item, in order (the body the operation goes on with). */
    public JsonNode listed(Exchange exchange) {
        Listing listing = listing(exchange);
        exchange.removeProperty(LISTING);
        return listing.items();
    }

    private static Listing listing(Exchange exchange) {
        Listing listing = exchange.getProperty(LISTING, Listing.class);
        if (listing == null) {
            throw new IllegalStateException("no listing in progress");
        }
        return listing;
    }
}
