package dev.cognigyops.runs;

import java.util.ArrayDeque;
import java.util.Deque;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Parses the text of a run request more strictly than other JSON the program reads: a key given twice
 * in one object is an error naming the key (never "the last one wins"), text after the document is an
 * error, and nesting deeper than {@value #MAX_DEPTH} levels is refused. Every refusal says where, when
 * the parser knows; none throws anything but {@link Unreadable}.
 */
public final class RequestJson {

    /** No request is nested this deep; a deeper one is refused before anything walks it. */
    public static final int MAX_DEPTH = 100;

    private static final ObjectMapper STRICT = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Why a request's text is no JSON request: {@code path: problem}. */
    public static final class Unreadable extends Exception {
        private final String path;
        private final String problem;

        Unreadable(String path, String problem) {
            super(path + ": " + problem, null, false, false);
            this.path = path;
            this.problem = problem;
        }

        public String path() {
            return path;
        }

        public String problem() {
            return problem;
        }
    }

    private RequestJson() {
    }

    public static JsonNode parse(String text) throws Unreadable {
        try {
            return STRICT.readTree(text);
        } catch (StreamConstraintsException e) {
            String message = String.valueOf(e.getOriginalMessage());
            if (message.contains("nesting depth")) {
                throw new Unreadable("request", "is nested deeper than " + MAX_DEPTH + " levels");
            }
            throw new Unreadable("request", "is beyond what the JSON parser accepts (" + message + ")");
        } catch (JsonParseException e) {
            String message = String.valueOf(e.getOriginalMessage());
            JsonParser parser = e.getProcessor();
            if (message.startsWith("Duplicate field") && parser != null) {
                throw new Unreadable(path(parser.getParsingContext()),
                        "is given twice" + at(e.getLocation()) + "; a key may appear only once");
            }
            throw new Unreadable("request", "is not valid JSON (" + message + at(e.getLocation()) + ")");
        } catch (JsonProcessingException e) {
            throw new Unreadable("request", "is not valid JSON (" + e.getOriginalMessage() + at(e.getLocation()) + ")");
        }
    }

    /** The dotted path of the parser's place, as violations name fields: {@code payload.flows[2].id}. */
    static String path(JsonStreamContext context) {
        Deque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.push("[" + Math.max(c.getCurrentIndex(), 0) + "]");
            } else if (c.getCurrentName() != null) {
                parts.push("." + c.getCurrentName());
            }
        }
        String path = String.join("", parts);
        return path.isEmpty() ? "request" : path.startsWith(".") ? path.substring(1) : path;
    }

    private static String at(JsonLocation location) {
        if (location == null || location.getLineNr() < 0) {
            return "";
        }
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }
}
