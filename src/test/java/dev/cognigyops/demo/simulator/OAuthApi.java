package dev.cognigyops.demo.simulator;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code POST /oauth/token} (client credentials grant; the path can differ) and the bearer tokens it has issued. */
public final class OAuthApi implements SimulatedApi {

    private final String clientId;
    private final String clientSecret;
    private final Clock clock;
    private final String tokenPath;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> expiryByToken = new ConcurrentHashMap<>();
    private final AtomicInteger tokensIssued = new AtomicInteger();
    private volatile Duration tokenTtl = Duration.ofHours(1);

    OAuthApi(String clientId, String clientSecret, Clock clock) {
        this(clientId, clientSecret, clock, "/oauth/token");
    }

    /** A token endpoint at another path, e.g. Cognigy v2.0's {@code /auth/oauth2/token}. */
    public OAuthApi(String clientId, String clientSecret, Clock clock, String tokenPath) {
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.clientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
        this.clock = clock;
        this.tokenPath = tokenPath;
    }

    @Override
    public void registerRoutes(Routes routes) {
        routes.unauthenticated("POST", tokenPath, this::token);
    }

    /** Lifetime of tokens issued from now on ({@code expires_in}); default one hour. */
    public void tokenTtl(Duration ttl) {
        this.tokenTtl = ttl;
    }

    /** True for a token this simulator issued that has not expired yet. */
    public boolean isValid(String token) {
        Instant expiry = token == null ? null : expiryByToken.get(token);
        return expiry != null && clock.instant().isBefore(expiry);
    }

    public int tokensIssued() {
        return tokensIssued.get();
    }

    private SimResponse token(SimRequest request) {
        Map<String, String> form = request.form();
        if (!authenticatesClient(request.header("Authorization"), form)) {
            return SimResponse.oauthError(401, "invalid_client")
                    .withHeader("WWW-Authenticate", "Basic realm=\"cognigy\"");
        }
        if (!"client_credentials".equals(form.get("grant_type"))) {
            return SimResponse.oauthError(400, "unsupported_grant_type");
        }
        Duration ttl = tokenTtl;
        String token = newToken();
        expiryByToken.put(token, clock.instant().plus(ttl));
        tokensIssued.incrementAndGet();

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", token);
        body.put("token_type", "Bearer");
        body.put("expires_in", ttl.toSeconds());
        if (form.containsKey("scope")) {
            body.put("scope", form.get("scope"));
        }
        return SimResponse.json(200, body).withHeader("Cache-Control", "no-store");
    }

    /** HTTP Basic when the header is present (RFC 6749 2.3.1), otherwise client_id/client_secret form fields. */
    private boolean authenticatesClient(String authorization, Map<String, String> form) {
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String pair = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                String id = pair.substring(0, Math.max(colon, 0));
                String secret = pair.substring(colon + 1);
                // RFC 6749 asks clients to form-encode both parts first; many do not, so accept either
                return matches(id, secret) || matches(SimRequest.urlDecode(id), SimRequest.urlDecode(secret));
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return matches(form.get("client_id"), form.get("client_secret"));
    }

    private boolean matches(String id, String secret) {
        return clientId.equals(id) && clientSecret.equals(secret);
    }

    private String newToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
