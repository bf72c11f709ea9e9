package dev.cognigyops.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.cognigyops.support.Json;

/**
 * JSON fixtures: the files under {@code src/test/resources/fixtures/}, named by their path below it
 * ({@code "botdeploy/deployment-status.json"}), so a test reads the request or answer it uses as JSON,
 * not as an escaped Java string.
 */
public final class Fixtures {

    /** Each file read once: some stubs answer from a fixture thousands of times in a test. */
    private static final Map<String, String> TEXTS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z][A-Za-z0-9]*)}");

    private Fixtures() {
    }

    /** The fixture's text, as it is in the file. */
    public static String json(String name) {
        return TEXTS.computeIfAbsent(name, Fixtures::read);
    }

    private static String read(String name) {
        String resource = "fixtures/" + name;
        try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture src/test/resources/" + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The fixture's text with each {@code ${name}} replaced by its value, inserted as it is (as the string
     * concatenation it replaces did). A placeholder without a value, or a value without its placeholder,
     * is an error: a fixture never goes out half filled.
     */
    public static String json(String name, Map<String, ?> values) {
        String text = json(name);
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        java.util.Set<String> used = new java.util.HashSet<>();
        while (m.find()) {
            String key = m.group(1);
            if (!values.containsKey(key)) {
                throw new IllegalArgumentException("fixture " + name + " needs a value for ${" + key + "}");
            }
            used.add(key);
            m.appendReplacement(out, Matcher.quoteReplacement(String.valueOf(values.get(key))));
        }
        m.appendTail(out);
        if (!used.containsAll(values.keySet())) {
            throw new IllegalArgumentException("fixture " + name + " has no placeholder for "
                    + values.keySet().stream().filter(k -> !used.contains(k)).sorted().toList());
        }
        return out.toString();
    }

    /** The fixture as a JSON object, fresh on each call: a test may change it. */
    public static ObjectNode object(String name) {
        try {
            return (ObjectNode) Json.parse(json(name));
        } catch (IOException e) {
            throw new UncheckedIOException("fixture " + name + " is not JSON", e);
        }
    }

    /** The fixture (with its placeholders filled) as a JSON object. */
    public static ObjectNode object(String name, Map<String, ?> values) {
        try {
            return (ObjectNode) Json.parse(json(name, values));
        } catch (IOException e) {
            throw new UncheckedIOException("fixture " + name + " is not JSON", e);
        }
    }

    /** The fixture in one line, as {@link Json#write} writes it (keys in the file's order). */
    public static String compact(String name) {
        return Json.write(object(name));
    }

    /**
     * A run request from a fixture whose last field is {@code payload}, in one line: {@code requestId} set
     * (removed when null) and {@code extraPayload} (empty, or starting with a comma) appended to the
     * payload as text, so a test can still send a key twice or a value the parser refuses.
     */
    public static String runRequest(ObjectNode request, String requestId, String extraPayload) {
        if (requestId == null) {
            request.remove("requestId");
        } else {
            request.put("requestId", requestId);
        }
        String last = null;
        for (var names = request.fieldNames(); names.hasNext(); ) {
            last = names.next();
        }
        if (!"payload".equals(last) || !request.get("payload").isObject()) {
            throw new IllegalArgumentException("a run request fixture ends with its payload object: " + request);
        }
        String text = Json.write(request);
        return text.substring(0, text.length() - 2) + extraPayload + "}}";
    }
}
