package dev.cognigyops.nluexport;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A Cognigy snapshot's name (cognigy-v2-api.md: unique in the project, at most 200 characters): the rules
 * the API sets, and the name a run gives when none is asked for, {@code cognigy-ops-<runId>}. Rotation
 * deletes only snapshots whose name starts with {@link #OURS}.
 */
public final class SnapshotName {

    public static final int MAX_LENGTH = 200;
    /** The characters Cognigy refuses in a snapshot's name. */
    public static final String FORBIDDEN = "\\/:*?\"<>|";
    /** Names this program gives; the only snapshots rotation deletes. */
    public static final String OURS = "cognigy-ops-";

    private SnapshotName() {
    }

    /** Every rule {@code name} breaks, each said for a person (empty: a valid name). */
    public static List<String> problems(String name) {
        List<String> problems = new ArrayList<>();
        if (name.length() > MAX_LENGTH) {
            problems.add("must be at most " + MAX_LENGTH + " characters, is " + name.length());
        }
        Set<String> bad = new LinkedHashSet<>();
        boolean control = false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (FORBIDDEN.indexOf(c) >= 0) {
                bad.add("'" + c + "'");
            } else if (Character.isISOControl(c)) {
                control = true;
            }
        }
        if (!bad.isEmpty()) {
            problems.add("must not contain " + String.join(", ", bad) + " (Cognigy refuses any of " + FORBIDDEN + ")");
        }
        if (control) {
            problems.add("must not contain a control character");
        }
        return problems;
    }

    /**
     * The name of a run's snapshot when the payload gives none: {@code cognigy-ops-<runId>}, a character
     * Cognigy refuses replaced by '-', cut to {@value #MAX_LENGTH} characters.
     */
    public static String defaultFor(String runId) {
        StringBuilder name = new StringBuilder(OURS);
        for (int i = 0; i < runId.length(); i++) {
            char c = runId.charAt(i);
            name.append(FORBIDDEN.indexOf(c) >= 0 || Character.isISOControl(c) ? '-' : c);
        }
        return name.length() > MAX_LENGTH ? name.substring(0, MAX_LENGTH) : name.toString();
    }
}
