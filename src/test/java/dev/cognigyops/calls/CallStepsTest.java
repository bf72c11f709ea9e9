package dev.cognigyops.calls;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.OperationState;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A call template's query: constants kept, placeholders filled from the run's state, missing ones
 * left out; its pacer: the bean it names paces the call's retries with the run's state; and what a
 * doCatch learns of a call that failed.
 */
class CallStepsTest {

    @Test
    void aQueryTemplateIsFilledFromTheState() {
        assertThat(CallSteps.query("limit=100&environmentId={environmentId}&skip={skip}",
                Map.of("environmentId", "prod a/b", "skip", "200")))
                .containsExactly(Map.entry("limit", "100"), Map.entry("environmentId", "prod a/b"), Map.entry("skip", "200"));
    }

    @Test
    void aParameterWithoutAValueIsLeftOut() {
        assertThat(CallSteps.query("include_bias_detection=true&versionId={versionId}", Map.of()))
                .containsExactly(Map.entry("include_bias_detection", "true"));
        assertThat(CallSteps.query("", Map.of())).isEmpty();
        assertThat(CallSteps.query(null, Map.of())).isEmpty();
    }

    /** A state whose resource is a deployment id, as a pacer would read it. */
    record Deployment(String id) implements OperationState {
        @Override
        public Map<String, String> pathValues() {
            return Map.of("deploymentId", id);
        }

        @Override
        public String resource() {
            return "deployment:" + id;
        }

        @Override
        public Enum<?> phase() {
            return java.time.DayOfWeek.MONDAY;
        }
    }

    @Test
    void aNamedPacerPacesTheCallsRetriesWithTheRunsState() {
        DefaultCamelContext camel = new DefaultCamelContext();
        StatePacer<Deployment> pacer = (state, proposed) -> state.id().equals("dep-1") ? proposed + 5000 : 0;
        camel.getRegistry().bind("statusReads", pacer);
        Exchange exchange = new DefaultExchange(camel);
        exchange.setProperty(OperationState.PROPERTY, new Deployment("dep-1"));
        exchange.getMessage().setHeader(CallSteps.METHOD, "GET");
        exchange.getMessage().setHeader(CallSteps.PATH, "/v1/deployments/{deploymentId}/status");
        exchange.getMessage().setHeader(CallSteps.ACTION, "DEPLOYMENT_STATUS");
        exchange.getMessage().setHeader(CallSteps.PACER, "statusReads");

        new CallSteps().cognigy(exchange);

        assertThat(exchange.getProperty(OutboundCalls.PACER, CallPacer.class).delayBeforeRetry(1000)).isEqualTo(6000);
        assertThat(exchange.getProperty(OutboundCalls.CALL, OutboundCall.class).target()).isEqualTo("/v1/deployments/dep-1/status");
    }

    @Test
    void aCallWithoutAPacerHasNone() {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(OperationState.PROPERTY, new Deployment("dep-1"));
        exchange.getMessage().setHeader(CallSteps.METHOD, "GET");
        exchange.getMessage().setHeader(CallSteps.PATH, "/v1/deployments/{deploymentId}/status");
        exchange.getMessage().setHeader(CallSteps.PACER, "");

        new CallSteps().cognigy(exchange);

        assertThat(exchange.getProperty(OutboundCalls.PACER)).isNull();
    }

    @Test
    void aFailedCallIsDescribedAndForgotten() {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(OutboundCalls.CALL, OutboundCall.cognigy("GET", "/v1/nlu/models/m-1", null, "NLU_MODEL_CHECKED", "nlu:m-1"));
        exchange.setProperty(OutboundCalls.PACER, (CallPacer) proposed -> proposed);
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new HttpOperationFailedException("http://cognigy/v1/nlu/models/m-1", 404,
                "Not Found", null, Map.of(), "{\"message\":\"model does not exist\"}"));
        CallSteps steps = new CallSteps();

        assertThat(steps.notFound(exchange)).isTrue();
        var error = steps.failure(exchange);

        assertThat(error.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(error.message()).isEqualTo("GET /v1/nlu/models/m-1: HTTP 404: model does not exist");
        assertThat(exchange.getProperty(OutboundCalls.CALL)).isNull();
        assertThat(exchange.getProperty(OutboundCalls.PACER)).isNull();
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new HttpOperationFailedException("http://cognigy/x", 409,
                "Conflict", null, Map.of(), ""));
        assertThat(steps.notFound(exchange)).isFalse();
    }

    @Test
    void anExternalCallsPathIsUnderItsBaseUrlWithOrWithoutATrailingSlash() {
        assertThat(CallSteps.join("https://mlflow.internal", "/api/2.0/mlflow/runs/create"))
                .isEqualTo("https://mlflow.internal/api/2.0/mlflow/runs/create");
        assertThat(CallSteps.join("http://localhost:5000/", "/api/2.0/mlflow/experiments/get-by-name"))
                .isEqualTo("http://localhost:5000/api/2.0/mlflow/experiments/get-by-name");
        assertThat(CallSteps.join("https://tools.example/mlflow", "api/2.0/mlflow/runs/update"))
                .isEqualTo("https://tools.example/mlflow/api/2.0/mlflow/runs/update");
    }
}
