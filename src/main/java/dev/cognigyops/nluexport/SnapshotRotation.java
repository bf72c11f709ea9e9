package dev.cognigyops.nluexport;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Which snapshot makes room in a full project (docs/contract.md §9: a project holds at most 10 snapshots).
 * The project is full when its listing holds {@code limit} snapshots or more. The snapshot deleted is the
 * OLDEST whose name starts with {@code cognigy-ops-} (one this program made) and that no endpoint of the
 * project serves: its {@code _id} is no endpoint's {@code entrypoint} (a snapshot an endpoint uses cannot
 * be deleted on Cognigy). Age is {@code createdAt}, as Unix seconds, milliseconds or ISO-8601 (I: the
 * real API's format is not known); a snapshot without a readable {@code createdAt} is never chosen.
 */
public final class SnapshotRotation {

    /** One snapshot of the listing; {@code createdAt} as ISO-8601 (UTC), or null when unreadable. */
    public record Snapshot(String id, String name, String createdAt) {

        Instant created() {
            return createdAt == null ? null : Instant.parse(createdAt);
        }

        /** The snapshot as an output's and an audit event's {@code rotated}: {snapshotId, snapshotName, createdAt}. */
        public java.util.Map<String, Object> view() {
            java.util.Map<String, Object> view = new java.util.LinkedHashMap<>();
            view.put("snapshotId", id);
            view.put("snapshotName", name);
            view.put("createdAt", createdAt);
            return view;
        }
    }

    /** The verdict: whether the project is full, how many it holds, and which snapshot goes (when full and one may). */
    public record Verdict(boolean full, int held, Snapshot delete) {
    }

    private SnapshotRotation() {
    }

    /**
     * @param snapshots   the project's listing ({@code GET snapshots?projectId=}: items)
     * @param entrypoints every endpoint's {@code entrypoint} (empty when the project is not full: not read)
     * @param limit       snapshots a project may hold
     */
    public static Verdict decide(JsonNode snapshots, Set<String> entrypoints, int limit) {
        return decide(snapshots, entrypoints, limit, null);
    }

    /**
     * As {@link #decide(JsonNode, Set, int)}, but the snapshot named {@code keep} is never chosen (it still counts):
     * flow-deploy's own rollback snapshot, {@code cognigy-ops-before-<runId>}, is one of ours by its name.
     */
    public static Verdict decide(JsonNode snapshots, Set<String> entrypoints, int limit, String keep) {
        List<Snapshot> all = read(snapshots);
        if (all.size() < limit) {
            return new Verdict(false, all.size(), null);
        }
        Optional<Snapshot> oldest = all.stream()
                .filter(s -> s.name() != null && s.name().startsWith(SnapshotName.OURS))
                .filter(s -> !s.name().equals(keep))
                .filter(s -> s.createdAt() != null)
                .filter(s -> !entrypoints.contains(s.id()))
                .min(Comparator.comparing(Snapshot::created).thenComparing(Snapshot::id));
        return new Verdict(true, all.size(), oldest.orElse(null));
    }

    /** Whether the listing fills the project: only then are the endpoints read. */
    public static boolean full(JsonNode snapshots, int limit) {
        return snapshots != null && snapshots.isArray() && snapshots.size() >= limit;
    }

    /** The snapshot named {@code name} in a listing, if any. */
    public static Optional<Snapshot> named(JsonNode snapshots, String name) {
        return read(snapshots).stream().filter(s -> name.equals(s.name())).findFirst();
    }

    static List<Snapshot> read(JsonNode items) {
        List<Snapshot> all = new ArrayList<>();
        if (items == null || !items.isArray()) {
            return all;
        }
        for (JsonNode item : items) {
            JsonNode id = item.get("_id");
            if (id == null || id.isNull()) {
                continue;
            }
            JsonNode name = item.get("name");
            Instant created = instant(item.get("createdAt"));
            all.add(new Snapshot(id.asText(), name == null || name.isNull() ? null : name.asText(),
                    created == null ? null : created.toString()));
        }
        return all;
    }

    /** A time as Unix seconds, Unix milliseconds (a number above 10^11) or ISO-8601; null when none of those. */
    static Instant instant(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isNumber()) {
            long n = value.asLong();
            return n > 100_000_000_000L ? Instant.ofEpochMilli(n) : Instant.ofEpochSecond(n);
        }
        String text = value.asText().trim();
        if (text.matches("\\d{1,18}")) {
            long n = Long.parseLong(text);
            return n > 100_000_000_000L ? Instant.ofEpochMilli(n) : Instant.ofEpochSecond(n);
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException again) {
                return null;
            }
        }
    }

    /** The entrypoints of an endpoints listing's items. */
    public static Set<String> entrypoints(JsonNode endpoints) {
        java.util.Set<String> found = new java.util.HashSet<>();
        if (endpoints != null && endpoints.isArray()) {
            for (JsonNode e : endpoints) {
                JsonNode entry = e.get("entrypoint");
                if (entry != null && !entry.isNull()) {
                    found.add(entry.asText());
                }
            }
        }
        return found;
    }
}
