package dev.cognigyops.demo.simulator.v2;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The state of one simulated tenant: projects with their flows and locales, snapshots, endpoints,
 * packages, tasks and download links. Every area locks this object while it reads or changes it.
 * Ids are 24-hex object ids, referenceIds are UUIDs, times are Unix seconds (I).
 */
final class Tenant {

    static final String SNAPSHOT_LIMIT_REASON = "Limit of allowed Snapshots";

    final Clock clock;
    final Map<String, Project> projects = new LinkedHashMap<>();
    final Map<String, Snapshot> snapshots = new LinkedHashMap<>();
    final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    final Map<String, Package> packages = new LinkedHashMap<>();
    final Map<String, Task> tasks = new LinkedHashMap<>();
    final Map<String, Download> downloads = new LinkedHashMap<>();

    // knobs
    int queuedReads = 1;
    int activeSteps = 2;
    Duration stepDuration = Duration.ofSeconds(1);
    int snapshotLimit = 10;
    long snapshotSize = 512 * 1024;
    long packageSize = 64 * 1024;
    double defaultFScore = 0.92;
    List<Map<String, Object>> defaultFindings = List.of();
    final Map<String, TrainingResult> trainingResults = new LinkedHashMap<>();

    // hooks
    final Map<String, String> nextFailureByKind = new LinkedHashMap<>();
    final Map<String, Boolean> nextStallByKind = new LinkedHashMap<>();

    Tenant(Clock clock) {
        this.clock = clock;
    }

    record TrainingResult(double fScore, List<Map<String, Object>> findings) {}

    // ---- model

    static final class Project {
        final String id;
        final String name;
        final List<String> localeIds = new ArrayList<>();
        final Map<String, Flow> flows = new LinkedHashMap<>();
        final Instant createdAt;

        Project(String id, String name, Instant createdAt) {
            this.id = id;
            this.name = name;
            this.createdAt = createdAt;
        }

        Flow flowByReference(String referenceId) {
            return flows.values().stream().filter(f -> f.referenceId.equals(referenceId)).findFirst().orElse(null);
        }
    }

    /** A flow; its chart is a chain of nodes, one executeFlow or goTo node per flow it depends on. */
    static final class Flow {
        String id;
        final String referenceId;
        String name;
        final List<String> dependsOn;
        boolean trainingOutOfDate = true;
        Map<String, Object> feedbackReport;

        Flow(String id, String referenceId, String name, List<String> dependsOn) {
            this.id = id;
            this.referenceId = referenceId;
            this.name = name;
            this.dependsOn = List.copyOf(dependsOn);
        }

        Flow copy(String newId) {
            Flow copy = new Flow(newId, referenceId, name, dependsOn);
            copy.trainingOutOfDate = trainingOutOfDate;
            copy.feedbackReport = feedbackReport;
            return copy;
        }

        Map<String, Object> listView(boolean withFeedbackReport) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("_id", id);
            view.put("referenceId", referenceId);
            view.put("name", name);
            view.put("isTrainingOutOfDate", trainingOutOfDate);
            if (withFeedbackReport) {
                view.put("feedbackReport", feedbackReport);
            }
            return view;
        }

        /** {@code GET flows/{id}/chart}: node ids derive from the referenceId, so copies keep their chart. */
        Map<String, Object> chart() {
            List<Map<String, Object>> nodes = new ArrayList<>();
            nodes.add(node("start", "Start", Map.of()));
            for (int i = 0; i < dependsOn.size(); i++) {
                Map<String, Object> flowNode = new LinkedHashMap<>();
                flowNode.put("flow", dependsOn.get(i));
                flowNode.put("node", startNodeId(dependsOn.get(i)));
                nodes.add(node(i % 2 == 0 ? "executeFlow" : "goTo", "To " + dependsOn.get(i),
                        Map.of("flowNode", flowNode, "parseIntents", true)));
            }
            nodes.add(node("say", "Say", Map.of("say", Map.of("text", List.of("This is " + name)))));
            for (int i = 0; i < nodes.size(); i++) {
                nodes.get(i).put("_id", nodeId(i));
            }
            List<Map<String, Object>> relations = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                Map<String, Object> relation = new LinkedHashMap<>();
                relation.put("_id", nodeId(i) + "-rel");
                relation.put("node", nodeId(i));
                relation.put("children", List.of());
                relation.put("next", i + 1 < nodes.size() ? nodeId(i + 1) : null);
                relations.add(relation);
            }
            Map<String, Object> chart = new LinkedHashMap<>();
            chart.put("_id", objectIdFrom("chart:" + referenceId));
            chart.put("nodes", nodes);
            chart.put("relations", relations);
            return chart;
        }

        private String nodeId(int index) {
            return index == 0 ? startNodeId(referenceId) : objectIdFrom("node:" + referenceId + ":" + index);
        }

        private static String startNodeId(String flowReferenceId) {
            return objectIdFrom("node:" + flowReferenceId + ":0");
        }

        private static Map<String, Object> node(String type, String label, Map<String, Object> config) {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("_id", null);
            node.put("type", type);
            node.put("label", label);
            node.put("config", config);
            return node;
        }
    }

    static final class Snapshot {
        final String id;
        final String projectId;
        final String name;
        final String description;
        final Instant createdAt;
        final long size;
        /** The project's flows as they were, each with a resource _id of its own. */
        final List<Flow> flows = new ArrayList<>();
        final List<String> localeIds = new ArrayList<>();
        boolean packaged;

        Snapshot(String id, String projectId, String name, String description, Instant createdAt, long size) {
            this.id = id;
            this.projectId = projectId;
            this.name = name;
            this.description = description;
            this.createdAt = createdAt;
            this.size = size;
        }

        String hash() {
            StringBuilder content = new StringBuilder();
            flows.forEach(f -> content.append(f.referenceId).append(f.name).append(f.dependsOn).append('\n'));
            return sha256Hex(content.toString()).substring(0, 32);
        }

        Map<String, Object> view() {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("_id", id);
            view.put("name", name);
            view.put("description", description);
            view.put("isPackaged", packaged);
            view.put("hash", hash());
            view.put("createdAt", time(createdAt));
            return view;
        }
    }

    static final class Endpoint {
        final String id;
        final String referenceId = UUID.randomUUID().toString();
        final String projectId;
        String name;
        String entrypoint;
        String flowId;
        String localeId;
        final String urlToken = UUID.randomUUID().toString().replace("-", "");
        final Instant createdAt;
        Instant lastChanged;

        Endpoint(String id, String projectId, String name, String entrypoint, String flowId, String localeId, Instant now) {
            this.id = id;
            this.projectId = projectId;
            this.name = name;
            this.entrypoint = entrypoint;
            this.flowId = flowId;
            this.localeId = localeId;
            this.createdAt = now;
            this.lastChanged = now;
        }

        Map<String, Object> view() {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("_id", id);
            view.put("referenceId", referenceId);
            view.put("name", name);
            view.put("channel", "webchat3");
            view.put("entrypoint", entrypoint);
            view.put("flowId", flowId);
            view.put("localeId", localeId);
            view.put("active", true);
            view.put("URLToken", urlToken);
            view.put("createdAt", time(createdAt));
            view.put("lastChanged", time(lastChanged));
            return view;
        }
    }

    /** A package: created from a project's flows, or uploaded from a package file into a project. */
    static final class Package {
        final String id;
        final String projectId;
        final String name;
        final String description;
        final long size;
        /** Flows by the resource _id they had in the project the package was made from. */
        final Map<String, Flow> flowsByResourceId = new LinkedHashMap<>();
        boolean ready;
        String sha256;

        Package(String id, String projectId, String name, String description, long size) {
            this.id = id;
            this.projectId = projectId;
            this.name = name;
            this.description = description;
            this.size = size;
        }
    }

    /** A pre-signed download link: the content's seed, size and expiry. */
    record Download(String token, String seed, long size, String fileName, Instant expiresAt, Supplier<Boolean> stillThere) {}

    // ---- tasks

    Task startTask(String kind, String projectId, Map<String, Object> data, Supplier<String> effect) {
        Task task = new Task(newId(), kind, projectId, data, clock.instant(), queuedReads, activeSteps, stepDuration,
                nextFailureByKind.remove(kind), Boolean.TRUE.equals(nextStallByKind.remove(kind)), effect);
        tasks.put(task.id, task);
        task.advance(clock.instant());
        return task;
    }

    /** Moves every task on by the time that passed; called before each request is handled. */
    void settle() {
        Instant now = clock.instant();
        for (Task task : List.copyOf(tasks.values())) {
            task.advance(now);
        }
    }

    // ---- look-ups that answer RFC 7807 errors

    Project project(String projectId) {
        Project project = projectId == null ? null : projects.get(projectId);
        if (project == null) {
            throw Problem.notFound("Project", projectId);
        }
        return project;
    }

    Snapshot snapshot(String snapshotId) {
        Snapshot snapshot = snapshots.get(snapshotId);
        if (snapshot == null) {
            throw Problem.notFound("Snapshot", snapshotId);
        }
        return snapshot;
    }

    Flow flow(String flowId) {
        for (Project project : projects.values()) {
            Flow flow = project.flows.get(flowId);
            if (flow != null) {
                return flow;
            }
        }
        throw Problem.notFound("Flow", flowId);
    }

    Project projectOfFlow(String flowId) {
        return projects.values().stream().filter(p -> p.flows.containsKey(flowId)).findFirst()
                .orElseThrow(() -> Problem.notFound("Flow", flowId));
    }

    List<Endpoint> endpointsUsing(String entrypoint) {
        return endpoints.values().stream().filter(e -> Objects.equals(e.entrypoint, entrypoint)).toList();
    }

    String newDownload(String seed, long size, String fileName, Supplier<Boolean> stillThere) {
        String token = UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", "");
        downloads.put(token, new Download(token, seed, size, fileName, clock.instant().plus(Duration.ofDays(1)), stillThere));
        return token;
    }

    // ---- helpers

    static Long time(Instant instant) {
        return instant == null ? null : instant.getEpochSecond();
    }

    static String newId() {
        byte[] bytes = new byte[12];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static String objectIdFrom(String seed) {
        return sha256Hex(seed).substring(0, 24);
    }

    static String sha256Hex(String text) {
        return sha256Hex(text.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
