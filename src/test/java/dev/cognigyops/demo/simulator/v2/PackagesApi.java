package dev.cognigyops.demo.simulator.v2;

import dev.cognigyops.demo.simulator.ArtifactContent;
import dev.cognigyops.demo.simulator.Routes;
import dev.cognigyops.demo.simulator.SimRequest;
import dev.cognigyops.demo.simulator.SimResponse;
import dev.cognigyops.demo.simulator.v2.Tenant.Flow;
import dev.cognigyops.demo.simulator.v2.Tenant.Package;
import dev.cognigyops.demo.simulator.v2.Tenant.Project;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Packages: flows carried from one project to another.
 *
 * <pre>
 * POST /new/v2.0/packages {projectId, name, description, resourceIds[]} → task createPackage, data.packageId
 * GET  /new/v2.0/packages/{packageId}          → {_id, name, description, projectId, resourceIds, isReady}
 * POST /new/v2.0/packages/{packageId}/downloadlink → {downloadLink}; 409 (1004) until the package is made
 * POST /new/v2.0/packages/upload (multipart: file, projectId) → task uploadPackage, data.packageId
 * POST /new/v2.0/packages/{packageId}/merge {resourceIds, localeMapping[], strategies[{_id, identityConflictStrategy}]}
 *      → task mergePackage: each resource's flow goes into the package's project under its referenceId
 * </pre>
 *
 * <p>A package file is deterministic bytes seeded by the package; an upload is recognised by its SHA-256 as the
 * package it was downloaded from (anything else: the upload task ends error). Resource ids are the flows' _ids in
 * the project the package was made from. On a referenceId already in the target: {@code replace} and
 * {@code merge} replace the flow in place (same _id), {@code re-identify} adds it under a new referenceId, and
 * {@code abort} - also the default for a resource without a strategy (I) - ends the task error, changing nothing.
 * Uploads over 2 MB are refused with 413.
 */
final class PackagesApi extends TenantApi {

    static final String CREATE = "createPackage";
    static final String UPLOAD = "uploadPackage";
    static final String MERGE = "mergePackage";
    static final long MAX_UPLOAD_BYTES = 2L * 1024 * 1024;
    static final Set<String> STRATEGIES = Set.of("replace", "re-identify", "abort", "merge");

    PackagesApi(Tenant tenant) {
        super(tenant);
    }

    @Override
    public void registerRoutes(Routes routes) {
        routes.post(V2 + "/packages", locked(this::create))
                .get(V2 + "/packages/{packageId}", locked(this::get))
                .post(V2 + "/packages/{packageId}/downloadlink", locked(this::downloadLink))
                .post(V2 + "/packages/upload", locked(this::upload))
                .post(V2 + "/packages/{packageId}/merge", locked(this::merge));
    }

    private SimResponse create(SimRequest request) {
        Map<String, Object> body = json(request);
        Project project = tenant.project(requiredString(body, "projectId"));
        String name = requiredString(body, "name");
        String description = optionalString(body, "description");
        List<String> resourceIds = requiredStrings(body, "resourceIds");
        for (String resourceId : resourceIds) {
            if (!project.flows.containsKey(resourceId)) {
                throw Problem.invalid("resourceId " + resourceId + " is not a flow of project " + project.id);
            }
        }
        Package pkg = new Package(Tenant.newId(), project.id, name, description, tenant.packageSize);
        tenant.packages.put(pkg.id, pkg);
        Task task = tenant.startTask(CREATE, project.id, Map.of("packageId", pkg.id), () -> {
            for (String resourceId : resourceIds) {
                Flow flow = project.flows.get(resourceId);
                if (flow == null) {
                    return "Resource " + resourceId + " no longer exists in project " + project.id;
                }
                pkg.flowsByResourceId.put(resourceId, flow.copy(resourceId));
            }
            pkg.sha256 = ArtifactContent.sha256(seed(pkg.id), pkg.size);
            pkg.ready = true;
            return null;
        });
        return accepted(task);
    }

    private SimResponse get(SimRequest request) {
        Package pkg = pkg(request.pathParam("packageId"));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("_id", pkg.id);
        view.put("name", pkg.name);
        view.put("description", pkg.description);
        view.put("projectId", pkg.projectId);
        view.put("resourceIds", List.copyOf(pkg.flowsByResourceId.keySet()));
        view.put("isReady", pkg.ready);
        return ok(view);
    }

    private SimResponse downloadLink(SimRequest request) {
        Package pkg = pkg(request.pathParam("packageId"));
        if (!pkg.ready) {
            throw Problem.conflict("Package " + pkg.id + " is not ready yet");
        }
        String token = tenant.newDownload(seed(pkg.id), pkg.size, pkg.name + ".zip",
                () -> tenant.packages.containsKey(pkg.id));
        return ok(Map.of("downloadLink", DownloadsApi.link(request, token)));
    }

    private SimResponse upload(SimRequest request) {
        if (!request.isMultipart()) {
            throw Problem.invalid("The upload must be multipart/form-data with parts file and projectId");
        }
        byte[] projectPart = request.part("projectId");
        if (projectPart == null || projectPart.length == 0) {
            throw Problem.missing("projectId");
        }
        Project project = tenant.project(new String(projectPart, StandardCharsets.UTF_8).trim());
        byte[] file = request.part("file");
        if (file == null || file.length == 0) {
            throw Problem.missing("file");
        }
        if (file.length > MAX_UPLOAD_BYTES) {
            throw new Problem(413, Problem.INVALID_ARGUMENT, "The file is larger than " + MAX_UPLOAD_BYTES + " bytes");
        }
        String sha256 = Tenant.sha256Hex(file);
        Package pkg = new Package(Tenant.newId(), project.id, "uploaded", "", file.length);
        tenant.packages.put(pkg.id, pkg);
        Task task = tenant.startTask(UPLOAD, project.id, Map.of("packageId", pkg.id), () -> {
            Package source = tenant.packages.values().stream()
                    .filter(p -> p.ready && sha256.equals(p.sha256)).findFirst().orElse(null);
            if (source == null) {
                tenant.packages.remove(pkg.id);
                return "The uploaded file is not a valid package";
            }
            pkg.flowsByResourceId.putAll(source.flowsByResourceId);
            pkg.sha256 = sha256;
            pkg.ready = true;
            return null;
        });
        return accepted(task);
    }

    private SimResponse merge(SimRequest request) {
        Package pkg = pkg(request.pathParam("packageId"));
        if (!pkg.ready) {
            throw Problem.conflict("Package " + pkg.id + " is not ready yet");
        }
        Map<String, Object> body = json(request);
        List<String> resourceIds = requiredStrings(body, "resourceIds");
        for (String resourceId : resourceIds) {
            if (!pkg.flowsByResourceId.containsKey(resourceId)) {
                throw Problem.invalid("resourceId " + resourceId + " is not in package " + pkg.id);
            }
        }
        optionalArray(body, "localeMapping");
        Map<String, String> strategies = strategies(body, resourceIds);
        Project target = tenant.project(pkg.projectId);
        Task task = tenant.startTask(MERGE, target.id, Map.of("packageId", pkg.id), () -> {
            for (String resourceId : resourceIds) {
                Flow flow = pkg.flowsByResourceId.get(resourceId);
                String strategy = strategies.getOrDefault(resourceId, "abort");
                if ("abort".equals(strategy) && target.flowByReference(flow.referenceId) != null) {
                    return "Identity conflict on resource " + resourceId + " (flow " + flow.name + ", referenceId "
                            + flow.referenceId + "): strategy abort";
                }
            }
            for (String resourceId : resourceIds) {
                Flow flow = pkg.flowsByResourceId.get(resourceId);
                Flow existing = target.flowByReference(flow.referenceId);
                String strategy = strategies.getOrDefault(resourceId, "abort");
                if (existing == null) {
                    Flow added = flow.copy(Tenant.newId());
                    target.flows.put(added.id, added);
                } else if ("re-identify".equals(strategy)) {
                    Flow added = new Flow(Tenant.newId(), UUID.randomUUID().toString(), flow.name, flow.dependsOn);
                    target.flows.put(added.id, added);
                } else {
                    Flow replaced = flow.copy(existing.id);
                    replaced.trainingOutOfDate = true;
                    target.flows.put(existing.id, replaced);
                }
            }
            return null;
        });
        return accepted(task);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> strategies(Map<String, Object> body, List<String> resourceIds) {
        Map<String, String> strategies = new LinkedHashMap<>();
        List<Object> given = optionalArray(body, "strategies");
        for (Object item : given == null ? List.of() : given) {
            if (!(item instanceof Map<?, ?> map)) {
                throw Problem.invalid("strategies must be an array of {_id, identityConflictStrategy}");
            }
            String id = optionalString((Map<String, Object>) map, "_id");
            String strategy = optionalString((Map<String, Object>) map, "identityConflictStrategy");
            if (id == null || !resourceIds.contains(id)) {
                throw Problem.invalid("strategies[]._id " + id + " is not one of the resourceIds");
            }
            if (strategy == null || !STRATEGIES.contains(strategy)) {
                throw Problem.invalid("identityConflictStrategy must be one of replace, re-identify, abort, merge; was "
                        + strategy);
            }
            strategies.put(id, strategy);
        }
        return strategies;
    }

    private Package pkg(String packageId) {
        Package pkg = tenant.packages.get(packageId);
        if (pkg == null) {
            throw Problem.notFound("Package", packageId);
        }
        return pkg;
    }

    static String seed(String packageId) {
        return "package:" + packageId;
    }
}
