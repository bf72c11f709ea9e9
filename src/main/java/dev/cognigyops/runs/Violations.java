package dev.cognigyops.runs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/** Collects every rule a request breaks, each as {@code path: what is wrong}. */
public final class Violations {

    private final List<String> found = new ArrayList<>();

    public void add(String path, String problem) {
        found.add(path + ": " + problem);
    }

    public boolean isEmpty() {
        return found.isEmpty();
    }

    public List<String> list() {
        return List.copyOf(found);
    }

    /** Required text field matching a pattern; returns the value or null. */
    public String requireText(JsonNode object, String field, String path, Pattern pattern, String patternHint) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            add(path, "is required");
            return null;
        }
        return checkText(value, path, pattern, patternHint);
    }

    /** Optional text field matching a pattern; returns the value or null. */
    public String optionalText(JsonNode object, String field, String path, Pattern pattern, String patternHint) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        return checkText(value, path, pattern, patternHint);
    }

    private String checkText(JsonNode value, String path, Pattern pattern, String patternHint) {
        if (!value.isTextual()) {
            add(path, "must be a string");
            return null;
        }
        String text = value.asText();
        if (text.isBlank()) {
            add(path, "must not be blank");
            return null;
        }
        if (pattern != null && !pattern.matcher(text).matches()) {
            add(path, patternHint);
            return null;
        }
        return text;
    }

    /** Names every field of the object that is not among the known ones. */
    public void rejectUnknownFields(JsonNode object, String pathPrefix, java.util.Set<String> known) {
        object.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                add(pathPrefix + name, "is not a known field (known: " + String.join(", ", new java.util.TreeSet<>(known)) + ")");
            }
        });
    }
}
