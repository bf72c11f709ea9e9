package dev.cognigyops.calls;

import java.net.URI;
import java.net.URISyntaxException;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.DefaultRedirectStrategy;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.protocol.RedirectLocations;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Makes camel-http's client (every call of {@code direct:cognigy-call}: Cognigy API calls, webhooks,
 * MLflow) follow redirects by {@link RedirectRule} (kind CALL): a request carrying the Authorization
 * header follows one only within its own origin, a request without it never does. A redirect not
 * followed is the call's answer: a 3xx, reported as the call's failure with where it pointed.
 * Bound to both the {@code http} and the {@code https} component in application.properties
 * ({@code camel.component.http[s].http-client-configurer}), with {@code follow-redirects = true}
 * so that this strategy, not "never", decides.
 */
public final class RedirectGuard implements HttpClientConfigurer {

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.setRedirectStrategy(new Strategy());
    }

    /** HttpClient's own checks (a 3xx with a Location, resolved and valid), then {@link RedirectRule}. */
    static final class Strategy extends DefaultRedirectStrategy {

        @Override
        public boolean isRedirected(HttpRequest request, HttpResponse response, HttpContext context) throws ProtocolException {
            if (!super.isRedirected(request, response, context)) {
                return false;
            }
            URI from;
            URI to;
            try {
                from = request.getUri();
                to = getLocationURI(request, response, context);
            } catch (URISyntaxException | HttpException unusable) {
                // a Location that is no URL is not followed: the 3xx is the answer, not a broken connection
                return false;
            }
            RedirectLocations earlier = HttpClientContext.castOrCreate(context).getRedirectLocations();
            int hop = (earlier == null ? 0 : earlier.size()) + 1;
            return RedirectRule.decide(RedirectRule.Kind.CALL, request.containsHeader("Authorization"), from, to, hop).follow();
        }
    }
}
