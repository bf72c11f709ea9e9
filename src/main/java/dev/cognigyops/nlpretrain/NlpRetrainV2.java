package dev.cognigyops.nlpretrain;

import java.time.Clock;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;

import dev.cognigyops.audit.AuditLog;
import dev.cognigyops.calls.OutboundCall;
import dev.cognigyops.calls.OutboundCalls;
import dev.cognigyops.cognigyv2.Task;
import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.OperationState;
import dev.cognigyops.runs.RunContext;
import dev.cognigyops.runs.RunFailure;
import dev.cognigyops.runs.RunStatus;
import dev.cognigyops.support.Json;
import dev.cognigyops.support.Settings;

/**
 * nlp-retrain on profile cognigy-v2 (docs/contract.md §9): intent training of a flow behind a quality gate —
 * {@code POST flows/{flowId}/intents/train {localeId, mode}} → the task waited for (at most
 * cognigy.v2.nlp-retrain.task-deadline-seconds) → the flow's NLU feedback report ({@link FeedbackReport}) →
 * the gate ({@link QualityGate#judgeFeedback}) → MLflow as the seeds retrain records it ({@link MlflowRecorder},
 * with f_score_delta to the previous run of the flow). The real API has no model rollback: a failed gate
 * fails the run GATE_FAILED and changes nothing else. A train POST whose effect is unknown is read back
 * ({@link TrainingTaskReadBack}) before it is sent again. The route is {@code direct:nlp-retrain-v2}
 * ({@code routes/operations/nlp-retrain.camel.yaml}); each public method is one step's outcome, value in and
 * value out ({@link RetrainV2Run}).
 */
public final class NlpRetrainV2 {

    /** Train POSTs a run sends at most: one, and one more after a read-back found it had not taken effect. */
    static final int MAX_TRAIN_POSTS = 2;

    private final Settings settings;
    private final AuditLog audit;
    private final Clock clock;

    public NlpRetrainV2(Settings settings, AuditLog audit, Clock clock) {
        this.settings = settings;
        this.audit = audit;
        this.clock = clock;
    }

    /** A new run's state from its payload, or the saved state the run goes on from. */
    public RetrainV2Run begin(@ExchangeProperty(RunContext.PROPERTY) RunContext run) {
        if (run.resumeFrom() != null) {
            return Json.MAPPER.convertValue(run.resumeFrom(), RetrainV2Run.class).resumed();
        }
        RetrainV2Request asked = RetrainV2Request.from(run.payload());
        return RetrainV2Run.start(run.runId(), asked, clock.millis(),
                asked.mlflowExperiment() != null ? asked.mlflowExperiment() : settings.require("mlflow.experiment"));
    }

    // ---- the train POST, and its read-back

    /** Before the POST (checkpointed): when it is sent, so that a read-back knows since when to look. */
    public RetrainV2Run posting(@ExchangeProperty(OperationState.PROPERTY) RetrainV2Run run) {
        return run.posting(clock.millis());
    }

    /** {@code {localeId, mode}}. */
    public JsonNode trainRequest(@ExchangeProperty(OperationState.PROPERTY) RetrainV2Run run) {
        ObjectNode body = Json.object();
        body.put("localeId", run.asked().localeId());
        body.put("mode", run.asked().mode());
        return body;
    }

    /** The POST's answer, a task {@code {_id, status}}: the task to wait for, audited RETRAIN_INITIATED. */
    public RetrainV2Run trainAccepted(@ExchangeProperty(OperationState.PROPERTY) RetrainV2Run run, @Body JsonNode answer,
                                      @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        String id = Json.text(answer, "_id");
        if (id == null || id.isBlank()) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "the intent training of flow " + run.asked().flowId()
                    + " was accepted but the answer names no task _id: " + answer);
        }
        return initiated(run.training(id, deadline(run)), context, "answered");
    }

    /** The POST failed with its effect unknown (5xx, timeout): the project's tasks are read back before any other POST. */
    public RetrainV2Run trainUncertain(@ExchangeProperty(OperationState.PROPERTY) RetrainV2Run run) {
        return run.at(RetrainV2Run.Phase.TRAIN_UNCERTAIN);
    }

    /**
     * The project's tasks, read back: this run's training task found — it is waited for; none — the POST is
     * sent again (at most {@value #MAX_TRAIN_POSTS} POSTs in all); unclear — the run fails rather than train twice.
     */
    public RetrainV2Run tasksReadBack(@ExchangeProperty(OperationState.PROPERTY) RetrainV2Run run, @Body JsonNode tasks,
                                      @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        long skew = Long.parseLong(settings.require("cognigy.v2.nlp-retrain.read-back-skew-seconds")) * 1000;
        TrainingTaskReadBack.Found found = TrainingTaskReadBack.search(tasks, run.asked().flowId(), run.asked().localeId(),
                run.postingAtMs(), skew);
        Map<String, Object> details = run.event("train_read_back");
        details.put("verdict", found.verdict().name());
        details.put("tasks_read", tasks.size());
        details.put("train_posts", run.trainPosts());
        audit.record(context, "TRAIN_READ_BACK", found.verdict().name(), run.resource(), details);
        String flow = "flow " + run.asked().flowId();
        return switch (found.verdict()) {
            case STARTED -> initiated(run.training(found.taskId(), deadline(run)), context, "read back");
            case NOT_STARTED -> {
                if (run.trainPosts() >= MAX_TRAIN_POSTS) {
                    throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "the intent training of " + flow + " was requested "
                            + run.trainPosts() + " times, each answered with its effect unknown, and project "
                            + run.asked().projectId() + " shows no training task of it");
                }
                yield run.at(RetrainV2Run.Phase.STARTED);
            }
            case UNCLEAR -> throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "the intent training of " + flow + " was "
                    + "requested with its effect unknown, and project " + run.asked().projectId() + "'s tasks cannot tell "
                    + "whether it started (" + found.reason() + "); not requested again, so as not to train twice");
        };
    }

    // ---- the task

    /** One read of the task (step of the wait-for-task template): done goes on; error, cancelled or the deadline end the retrain. */
    public RetrainV2Run taskRead(@ExchangeProperty(OperationState.PROPERTY) RetrainV2Run run, @Body JsonNode answer,
                                 @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        Task task = Task.from(answer);
        RetrainV2Run.TaskSeen seen = new RetrainV2Run.TaskSeen(task.status().sent(), task.name(), task.currentStep(),
                task.totalStep(), task.failReason());
        long now = clock.millis();
        String label = "training task " + run.taskId() + " of flow " + run.asked().flowId();
        switch (task.outcome()) {
            case DONE -> {
                RetrainV2Run done = run.taskSeen(RetrainV2Run.Phase.TASK_DONE, seen, NlpRetrain.seconds(run.postingAtMs(), now));
                Map<String, Object> details = done.event("retrain_completed");
                details.put("status", seen.status());
                details.put("latency_seconds", done.latencySeconds());
                audit.record(context, "RETRAIN_COMPLETED", "SUCCESS", done.resource(), details);
                return done;
            }
            case FAILED -> {
                RetrainV2Run failed = run.taskSeen(RetrainV2Run.Phase.TASK_DONE, seen, NlpRetrain.seconds(run.postingAtMs(), now));
                Map<String, Object> details = failed.event("retrain_completed");
                details.put("status", seen.status());
                details.put("error", seen.failReason());
                audit.record(context, "RETRAIN_COMPLETED", "FAILURE", failed.resource(), details);
                return failed.withFailure(new RunFailure(ErrorCode.JOB_FAILED, label + " ended in error: "
                        + (seen.failReason() == null ? "Cognigy gave no failReason" : seen.failReason())));
            }
            case CANCELLED -> {
                return run.taskSeen(RetrainV2Run.Phase.TASK_DONE, seen, null).withFailure(new RunFailure(ErrorCode.JOB_CANCELLED,
                        RunStatus.CANCELLED, label + " was cancelled (not by this run) at step " + seen.currentStep()
                                + " of " + seen.totalStep()));
            }
            default -> {
                RetrainV2Run waiting = run.taskSeen(RetrainV2Run.Phase.TRAINING, seen, null);
                if (now > run.taskDeadlineMs()) {
                    return waiting.withFailure(new RunFailure(ErrorCode.TIMEOUT, label + " is still " + seen.status() + " "
                            + (now - run.postingAtMs()) / 1000 + " s after it was requested; Cognigy trains intents for at "
                            + "most 10 minutes, this run waits cognigy.v2.nlp-retrain.task-deadline-seconds = "
                            + settings.require("cognigy.v2.nlp-retrain.task-deadline-seconds") + " s"));
                }
                return waiting;
            }
        }
    }

    // ---- the report and the gate

    /** The flows of the project with their feedback reports: this flow's. */
    public RetrainV2Run reportRead(@ExchangeProperty(OperationState.PROPERTY) RetrainV2Run run, @Body JsonNode flows) {
        return run.withReport(FeedbackReport.ofFlow(flows, run.asked().flowId(), run.asked().projectId()));
    }

    /** The quality gate, audited VALIDATION_PASSED or VALIDATION_FAILED with each failed criterion. */
    public RetrainV2Run judgeGate(@ExchangeProperty(OperationState.PROPERTY) RetrainV2Run run,
                                  @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        RetrainV2Request.Gate gate = run.asked().gate();
        QualityGate.Verdict verdict = QualityGate.judgeFeedback(run.report(), gate.minFScore(), gate.maxPoorIntents());
        RetrainV2Run decided = run.withVerdict(verdict);
        Map<String, Object> details = decided.event(verdict.passed() ? "validation_passed" : "validation_failed");
        details.put("f_score", run.report().fScore());
        details.put("poor_intents", run.report().poorIntents().stream().map(FeedbackReport.PoorIntent::label).toList());
        details.put("gate", Map.of("min_f_score", gate.minFScore(), "max_poor_intents", gate.maxPoorIntents()));
        details.put("latency_seconds", run.latencySeconds());
        if (!verdict.passed()) {
            details.put("failed_criteria", verdict.failures());
        }
        audit.record(context, verdict.passed() ? "VALIDATION_PASSED" : "VALIDATION_FAILED",
                verdict.passed() ? "SUCCESS" : "FAILURE", decided.resource(), details);
        return decided;
    }

    /** Whatever ended the retrain early is kept, so MLflow still records the run before the run fails. */
    public RetrainV2Run retrainFailed(@ExchangeProperty(OperationState.PROPERTY) RetrainV2Run run, Exception failure,
                                      @ExchangeProperty(OutboundCalls.CALL) OutboundCall call,
                                      @ExchangeProperty(OutboundCalls.STATE) OutboundCalls.CallState attempt) {
        return run.withFailure(Caught.describe(failure, call, attempt));
    }

    // ---- the end

    public RetrainV2Run finished(@ExchangeProperty(OperationState.PROPERTY) RetrainV2Run run) {
        return run.at(RetrainV2Run.Phase.FINISHED);
    }

    /** {@code {taskId, fScore, findings, poorIntents, gate, gateFailures?, fScoreDelta, mlflowRunId, mlflow, …}}. */
    public JsonNode output(@ExchangeProperty(OperationState.PROPERTY) RetrainV2Run run) {
        ObjectNode out = Json.object();
        out.put("taskId", run.taskId());
        out.put("taskStatus", run.task() == null ? null : run.task().status());
        FeedbackReport report = run.report();
        if (report == null) {
            out.putNull("fScore");
            out.putNull("findings");
        } else {
            out.put("fScore", report.fScore());
            out.set("findings", report.findings());
            out.set("poorIntents", report.poorIntentsJson());
        }
        QualityGate.Verdict verdict = run.verdict();
        if (verdict == null) {
            out.putNull("gate");
        } else {
            out.put("gate", verdict.label());
            if (!verdict.passed()) {
                out.set("gateFailures", Json.MAPPER.valueToTree(verdict.failures()));
            }
        }
        if (run.fScoreDelta() == null) {
            out.putNull("fScoreDelta");
        } else {
            out.put("fScoreDelta", run.fScoreDelta());
        }
        if (run.previous() != null && run.previous().runId() != null) {
            out.put("previousMlflowRunId", run.previous().runId());
        }
        NlpRetrainRun.Mlflow record = run.mlflow();
        out.put("mlflowRunId", record.runId());
        ObjectNode mlflow = out.putObject("mlflow");
        mlflow.put("status", record.status());
        if (record.experimentId() != null) {
            mlflow.put("experimentId", record.experimentId());
        }
        if (record.error() != null) {
            mlflow.put("error", record.error());
        }
        if (run.latencySeconds() != null) {
            out.put("trainingLatencySeconds", run.latencySeconds());
        }
        return out;
    }

    /** The last step: the run fails with what stopped it, or GATE_FAILED naming each failed criterion; else it succeeds. */
    public void outcome(@ExchangeProperty(OperationState.PROPERTY) RetrainV2Run run) {
        if (run.failure() != null) {
            throw run.failure().raise();
        }
        if (!run.verdict().passed()) {
            FeedbackReport report = run.report();
            throw new RunFailure(ErrorCode.GATE_FAILED, "flow " + run.asked().flowId()
                    + (report.flowName() == null ? "" : " (" + report.flowName() + ")") + " failed the quality gate after "
                    + "training task " + run.taskId() + ": " + String.join("; ", run.verdict().failures())
                    + "; nothing else was changed (the Cognigy API has no model rollback)");
        }
    }

    // ----

    private long deadline(RetrainV2Run run) {
        return run.postingAtMs() + Long.parseLong(settings.require("cognigy.v2.nlp-retrain.task-deadline-seconds")) * 1000;
    }

    private RetrainV2Run initiated(RetrainV2Run training, RunContext context, String how) {
        Map<String, Object> details = training.event("retrain_initiated");
        details.put("mode", training.asked().mode());
        details.put("train_posts", training.trainPosts());
        details.put("task_found", how);
        audit.record(context, "RETRAIN_INITIATED", "SUCCESS", training.resource(), details);
        return training;
    }
}
