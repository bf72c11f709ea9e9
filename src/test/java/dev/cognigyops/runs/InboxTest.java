package dev.cognigyops.runs;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import dev.cognigyops.store.StoreException;
import dev.cognigyops.support.Json;

import static org.assertj.core.api.Assertions.assertThat;

/** A dropped file whose request could not even be started is kept in .failed/ with an error file saying why. */
class InboxTest {

    final Inbox inbox = new Inbox();

    Exchange droppedFile(Throwable failure) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader(Exchange.FILE_NAME, "nlu-export/weekly.json");
        inbox.describe(exchange);
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
        return exchange;
    }

    @Test
    void aRunStoreThatDidNotAnswerKeepsTheFileWithAnErrorFileThatSaysToDropItAgain() throws Exception {
        Exchange exchange = droppedFile(new IllegalStateException("dispatch failed",
                new StoreException("the run store could not record run weekly", new java.sql.SQLException("Connection refused"))));

        inbox.notStarted(exchange);

        assertThat(inbox.needsErrorFile(exchange)).isTrue();
        JsonNode error = Json.parse(inbox.errorFile(exchange));
        assertThat(exchange.getProperty(Inbox.DESTINATION)).isEqualTo(".failed");
        assertThat(exchange.getProperty(Inbox.ERROR_FILE)).isEqualTo("nlu-export/weekly.error.json");
        assertThat(error.path("code").asText()).isEqualTo("STORAGE_ERROR");
        assertThat(error.path("file").asText()).isEqualTo("inbox/nlu-export/weekly.json");
        assertThat(error.path("message").asText()).startsWith("the request was not started: the run store did not answer (")
                .endsWith("nothing ran. Drop the file into the inbox again once the store answers");
    }

    @Test
    void anyOtherFailureBeforeTheRunStartedIsAnInternalErrorNamingIt() throws Exception {
        Exchange exchange = droppedFile(new IllegalStateException("no worker"));

        inbox.notStarted(exchange);

        JsonNode error = Json.parse(inbox.errorFile(exchange));
        assertThat(error.path("code").asText()).isEqualTo("INTERNAL_ERROR");
        assertThat(error.path("message").asText()).isEqualTo("the request was not started: no worker; nothing ran");
    }

    @Test
    void aFileThatRanNeedsNoErrorFile() {
        Exchange exchange = droppedFile(null);

        assertThat(inbox.needsErrorFile(exchange)).isFalse();
        assertThat(exchange.getProperty(Inbox.DESTINATION)).isEqualTo(".done");
    }
}
