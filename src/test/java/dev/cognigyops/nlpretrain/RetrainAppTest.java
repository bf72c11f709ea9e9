package dev.cognigyops.nlpretrain;

import java.util.Properties;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import org.junit.jupiter.api.AfterEach;

import dev.cognigyops.AppTestSupport;

/**
 * The whole app for nlp-retrain: WireMock as the tenant and a second WireMock as the MLflow tracking
 * server, with the retrain stubs, and polls short enough for a test (application.properties gives
 * nlp-retrain polls 7500 s).
 */
abstract class RetrainAppTest extends AppTestSupport {

    protected WireMockServer mlflow;
    protected RetrainStubs stubs;

    @Override
    protected void doPreSetup() throws Exception {
        mlflow = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        mlflow.start();
        super.doPreSetup();
        stubs = new RetrainStubs(cognigy, mlflow);
    }

    @AfterEach
    void stopMlflow() {
        if (mlflow != null) {
            mlflow.stop();
        }
    }

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        p.setProperty("mlflow.tracking-uri", mlflow.baseUrl());
        p.setProperty("cognigy.poll.nlp-retrain.deadline-seconds", "20");
        p.setProperty("cognigy.poll.nlp-retrain.max-attempts", "20");
        return p;
    }
}
