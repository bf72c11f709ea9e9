package dev.cognigyops.demo.simulator.v2;

import dev.cognigyops.demo.simulator.Routes;
import dev.cognigyops.demo.simulator.SimRequest;
import dev.cognigyops.demo.simulator.SimResponse;
import dev.cognigyops.demo.simulator.v2.Tenant.Endpoint;
import dev.cognigyops.demo.simulator.v2.Tenant.Flow;
import dev.cognigyops.demo.simulator.v2.Tenant.Project;
import dev.cognigyops.demo.simulator.v2.Tenant.Snapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Snapshots of a project:
 *
 * <pre>
 * POST   /new/v2.0/snapshots {projectId, name, description}   → task createSnapshot; the snapshot appears when done;
 *                                                              the 11th of a project: the TASK ends error
 *                                                              "Limit of allowed Snapshots", the POST is 202
 * GET    /new/v2.0/snapshots?projectId&limit&skip&sort        → items[{_id,name,description,isPackaged,hash,createdAt}]
 * GET    /new/v2.0/snapshots/{snapshotId}
 * POST   /new/v2.0/snapshots/{snapshotId}/package             → task packageSnapshot
 * POST   /new/v2.0/snapshots/{snapshotId}/downloadlink        → {downloadLink}; 409 (1004) until packaged
 * DELETE /new/v2.0/snapshots/{snapshotId}                     → task deleteSnapshot; ends error while an endpoint uses it
 * GET    /new/v2.0/snapshots/{snapshotId}/resources?resourceType=flow → items[{_id, referenceId, name, type}]
 * POST   /new/v2.0/snapshots/{snapshotId}/restore {projectId} → task restoreSnapshot: the project's flows become the
 *                                                              snapshot's (new _ids, same referenceIds)
 * </pre>
 *
 * <p>Names: required, at most 200 characters, none of {@code \/:*?"<>|}, unique in the project (409 on the POST,
 * and the task ends error if a twin was created meanwhile).
 */
final class SnapshotsApi extends TenantApi {

    static final String CREATE = "createSnapshot";
    static final String PACKAGE = "packageSnapshot";
    static final String DELETE = "deleteSnapshot";
    static final String RESTORE = "restoreSnapshot";
    static final int MAX_NAME_LENGTH = 200;

    SnapshotsApi(Tenant tenant) {
        super(tenant);
    }

    @Override
    public void registerRoutes(Routes routes) {
        routes.post(V2 + "/snapshots", locked(this::create))
                .get(V2 + "/snapshots", locked(this::list))
                .get(V2 + "/snapshots/{snapshotId}", locked(this::get))
                .delete(V2 + "/snapshots/{snapshotId}", locked(this::delete))
                .post(V2 + "/snapshots/{snapshotId}/package", locked(this::pack))
                .post(V2 + "/snapshots/{snapshotId}/downloadlink", locked(this::downloadLink))
                .get(V2 + "/snapshots/{snapshotId}/resources", locked(this::resources))
                .post(V2 + "/snapshots/{snapshotId}/restore", locked(this::restore));
    }

    /** A snapshot made at once, for seeding (no task, no limit check). */
    Snapshot createNow(Project project, String name, String description, boolean packaged) {
        Snapshot snapshot = new Snapshot(Tenant.newId(), project.id, name, description, tenant.clock.instant(),
                tenant.snapshotSize);
        project.flows.values().forEach(flow -> snapshot.flows.add(flow.copy(Tenant.newId())));
        snapshot.localeIds.addAll(project.localeIds);
        snapshot.packaged = packaged;
        tenant.snapshots.put(snapshot.id, snapshot);
        return snapshot;
    }

    List<Snapshot> snapshotsOf(String projectId) {
        return tenant.snapshots.values().stream().filter(s -> s.projectId.equals(projectId)).toList();
    }

    private SimResponse create(SimRequest request) {
        Map<String, Object> body = json(request);
        Project project = tenant.project(requiredString(body, "projectId"));
        String name = requiredString(body, "name");
        String description = optionalString(body, "description");
        if (name.length() > MAX_NAME_LENGTH) {
            throw Problem.invalid("name must be at most " + MAX_NAME_LENGTH + " characters, was " + name.length());
        }
        if (name.matches(".*[\\\\/:*?\"<>|].*")) {
            throw Problem.invalid("name must not contain any of \\/:*?\"<>|");
        }
        if (nameTaken(project.id, name)) {
            throw Problem.conflict("A snapshot named " + name + " already exists in project " + project.id);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("projectId", project.id);
        data.put("name", name);
        Task task = tenant.startTask(CREATE, project.id, data, () -> {
            if (!tenant.projects.containsKey(project.id)) {
                return "Project " + project.id + " no longer exists";
            }
            if (snapshotsOf(project.id).size() >= tenant.snapshotLimit) {
                return Tenant.SNAPSHOT_LIMIT_REASON;
            }
            if (nameTaken(project.id, name)) {
                return "A snapshot named " + name + " already exists";
            }
            createNow(project, name, description == null ? "" : description, false);
            return null;
        });
        return accepted(task);
    }

    private boolean nameTaken(String projectId, String name) {
        return snapshotsOf(projectId).stream().anyMatch(s -> s.name.equals(name));
    }

    private SimResponse list(SimRequest request) {
        String projectId = requiredQuery(request, "projectId");
        tenant.project(projectId);
        List<Map<String, Object>> views = snapshotsOf(projectId).stream().map(Snapshot::view).toList();
        return ok(Paging.page(request, views));
    }

    private SimResponse get(SimRequest request) {
        return ok(tenant.snapshot(request.pathParam("snapshotId")).view());
    }

    private SimResponse pack(SimRequest request) {
        Snapshot snapshot = tenant.snapshot(request.pathParam("snapshotId"));
        Task task = tenant.startTask(PACKAGE, snapshot.projectId, Map.of("snapshotId", snapshot.id), () -> {
            if (!tenant.snapshots.containsKey(snapshot.id)) {
                return "Snapshot " + snapshot.id + " no longer exists";
            }
            snapshot.packaged = true;
            return null;
        });
        return accepted(task);
    }

    private SimResponse downloadLink(SimRequest request) {
        Snapshot snapshot = tenant.snapshot(request.pathParam("snapshotId"));
        if (!snapshot.packaged) {
            throw Problem.conflict("Snapshot " + snapshot.id + " is not packaged yet; package it first");
        }
        String token = tenant.newDownload(seed(snapshot.id), snapshot.size, snapshot.name + ".csnap",
                () -> tenant.snapshots.containsKey(snapshot.id));
        return ok(Map.of("downloadLink", DownloadsApi.link(request, token)));
    }

    private SimResponse delete(SimRequest request) {
        Snapshot snapshot = tenant.snapshot(request.pathParam("snapshotId"));
        Task task = tenant.startTask(DELETE, snapshot.projectId, Map.of("snapshotId", snapshot.id), () -> {
            List<Endpoint> users = tenant.endpointsUsing(snapshot.id);
            if (!users.isEmpty()) {
                return "Snapshot " + snapshot.id + " is used by endpoint(s) "
                        + users.stream().map(e -> e.name + " (" + e.id + ")").collect(Collectors.joining(", "))
                        + " and cannot be deleted";
            }
            if (tenant.snapshots.remove(snapshot.id) == null) {
                return "Snapshot " + snapshot.id + " no longer exists";
            }
            return null;
        });
        return accepted(task);
    }

    private SimResponse resources(SimRequest request) {
        Snapshot snapshot = tenant.snapshot(request.pathParam("snapshotId"));
        String type = request.queryParam("resourceType");
        List<Map<String, Object>> views = new ArrayList<>();
        if (type == null || "flow".equals(type)) {
            for (Flow flow : snapshot.flows) {
                Map<String, Object> view = new LinkedHashMap<>();
                view.put("_id", flow.id);
                view.put("referenceId", flow.referenceId);
                view.put("name", flow.name);
                view.put("type", "flow");
                views.add(view);
            }
        }
        return ok(Paging.page(request, views));
    }

    private SimResponse restore(SimRequest request) {
        Snapshot snapshot = tenant.snapshot(request.pathParam("snapshotId"));
        Project project = tenant.project(requiredString(json(request), "projectId"));
        Task task = tenant.startTask(RESTORE, project.id, Map.of("snapshotId", snapshot.id, "projectId", project.id), () -> {
            if (!tenant.snapshots.containsKey(snapshot.id)) {
                return "Snapshot " + snapshot.id + " no longer exists";
            }
            project.flows.clear();
            snapshot.flows.forEach(flow -> {
                Flow restored = flow.copy(Tenant.newId());
                project.flows.put(restored.id, restored);
            });
            return null;
        });
        return accepted(task);
    }

    static String seed(String snapshotId) {
        return "snapshot:" + snapshotId;
    }
}
