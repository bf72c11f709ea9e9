package dev.cognigyops.page;

import org.apache.camel.support.DefaultHeaderFilterStrategy;

/**
 * The page's routes' header filter: Camel's HTTP filter (no Camel* header, no hop-by-hop header, and the
 * length and type written by the server itself) except that it lets {@code Cache-Control} out, which the
 * page's answers set on purpose ({@link PageAssets}). The answers carry only the headers PageAssets sets.
 */
public final class PageHeaderFilter extends DefaultHeaderFilterStrategy {

    public PageHeaderFilter() {
        setLowerCase(true);
        setOutFilterStartsWith(CAMEL_FILTER_STARTS_WITH);
        setInFilterStartsWith(CAMEL_FILTER_STARTS_WITH);
        for (String h : new String[] {"content-length", "content-type", "host", "connection", "date", "pragma", "trailer",
                "transfer-encoding", "upgrade", "via", "warning"}) {
            getOutFilter().add(h);
            getInFilter().add(h);
        }
    }
}
