package dev.cognigyops.demo.simulator.v2;

import dev.cognigyops.demo.simulator.Routes;
import dev.cognigyops.demo.simulator.SimRequest;
import dev.cognigyops.demo.simulator.SimResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * <pre>
 * GET  /new/v2.0/tasks/{taskId}          each read moves the task on (see {@link Task})
 * GET  /new/v2.0/tasks?projectId&limit&skip   newest first; reads do not move tasks on
 * POST /new/v2.0/tasks/{taskId}/cancel   → 200 the task, cancelling; 409 (1004) when it already ended (I)
 * </pre>
 */
final class TasksApi extends TenantApi {

    TasksApi(Tenant tenant) {
        super(tenant);
    }

    @Override
    public void registerRoutes(Routes routes) {
        routes.get(V2 + "/tasks/{taskId}", locked(this::getTask))
                .get(V2 + "/tasks", locked(this::listTasks))
                .post(V2 + "/tasks/{taskId}/cancel", locked(this::cancel));
    }

    private SimResponse getTask(SimRequest request) {
        Task task = task(request.pathParam("taskId"));
        task.read(tenant.clock);
        return ok(task.view());
    }

    private SimResponse listTasks(SimRequest request) {
        String projectId = request.queryParam("projectId");
        String status = request.queryParam("status");
        List<Map<String, Object>> views = new ArrayList<>();
        for (Task task : tenant.tasks.values()) {   // in creation order
            if ((projectId == null || projectId.equals(task.projectId)) && (status == null || status.equals(task.status()))) {
                views.add(0, task.view());           // newest first
            }
        }
        return ok(Paging.page(request, views));
    }

    private SimResponse cancel(SimRequest request) {
        Task task = task(request.pathParam("taskId"));
        if (!task.cancel(tenant.clock.instant())) {
            throw Problem.conflict("Task " + task.id + " has already ended with status " + task.status());
        }
        return ok(task.view());
    }

    private Task task(String taskId) {
        Task task = tenant.tasks.get(taskId);
        if (task == null) {
            throw Problem.notFound("Task", taskId);
        }
        return task;
    }
}
