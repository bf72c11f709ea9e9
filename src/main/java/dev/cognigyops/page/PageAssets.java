package dev.cognigyops.page;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.Message;

/**
 * The page at {@code /} (docs/contract.md §8), served from the jar by {@code routes/platform/page.camel.yaml}:
 * a fixed list of files of {@code src/main/resources/page/}, each with its content type. A name from the URL
 * is only ever a key of that list — never a path to the filesystem or the classpath — and anything else is
 * 404. The files are read once; each answer carries an ETag and {@code Cache-Control: no-cache} (a browser
 * keeps the file and asks again, and gets a 304 while it has not changed: the names carry no version),
 * {@code X-Content-Type-Options: nosniff} and a Content-Security-Policy that lets the page load only its
 * own files and talk only to its own origin.
 */
public final class PageAssets {

    /** A file of the page: its bytes, its content type, its entity tag. */
    public record Asset(String name, String contentType, byte[] bytes, String etag) {
    }

    /** The files served under {@code /page/}, and the content type of each. */
    static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "page.css", "text/css; charset=utf-8",
            "page.js", "text/javascript; charset=utf-8",
            "chart.js", "text/javascript; charset=utf-8");

    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

    private final Map<String, Asset> assets = new LinkedHashMap<>();

    public PageAssets() {
        FILES.forEach((name, type) -> assets.put(name, load(name, type)));
    }

    /** The file of that name when it is one of the page's; empty for any other name. */
    public Optional<Asset> find(String name) {
        return Optional.ofNullable(name == null ? null : assets.get(name));
    }

    /** The answer to {@code GET /page/{asset}} (or {@code GET /}, asset index.html): the file, a 304, or a 404. */
    public void serve(@Header("asset") String name, @Header("If-None-Match") String ifNoneMatch, Message message) {
        Optional<Asset> found = find(name);
        // none of the request's headers goes back in the answer
        message.removeHeaders("*");
        message.setHeader("X-Content-Type-Options", "nosniff");
        if (found.isEmpty()) {
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
            message.setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
            message.setHeader("Cache-Control", "no-store");
            message.setBody("not found\n");
            return;
        }
        Asset asset = found.get();
        message.setHeader("Cache-Control", "no-cache");
        message.setHeader("ETag", asset.etag());
        message.setHeader("Content-Security-Policy", CSP);
        message.setHeader("Referrer-Policy", "no-referrer");
        if (ifNoneMatch != null && matches(ifNoneMatch, asset.etag())) {
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, 304);
            message.setBody(null);
            return;
        }
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setHeader(Exchange.CONTENT_TYPE, asset.contentType());
        message.setBody(asset.bytes());
    }

    /** Whether an If-None-Match header names this tag ({@code *}, or one of a comma-separated list, weak or not). */
    static boolean matches(String ifNoneMatch, String etag) {
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.trim();
            if (t.startsWith("W/")) {
                t = t.substring(2);
            }
            if (t.equals("*") || t.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    private static Asset load(String name, String type) {
        try (InputStream in = PageAssets.class.getResourceAsStream("/page/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the page's file page/" + name + " is not in the jar");
            }
            byte[] bytes = in.readAllBytes();
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return new Asset(name, type, bytes, "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
