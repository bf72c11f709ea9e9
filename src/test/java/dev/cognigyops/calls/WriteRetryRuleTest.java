package dev.cognigyops.calls;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Map;

import org.apache.camel.http.base.HttpOperationFailedException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Profile cognigy-v2's write rule: which failed POST/PATCH must be read back before it is sent again. */
class WriteRetryRuleTest {

    @ParameterizedTest
    @CsvSource({
            "POST,   500,        true",
            "PATCH,  503,        true",
            "POST,   408,        true",
            "POST,   read-timeout, true",
            "POST,   reset,      true",
            "POST,   429,        false",
            "POST,   refused,    false",
            "POST,   unknown-host, false",
            "POST,   404,        false",
            "GET,    500,        false",
            "DELETE, read-timeout, false",
            "PUT,    500,        false"})
    void aWriteWhoseEffectIsUnknownIsNotRepeatedBlindly(String method, String failure, boolean unknown) {
        assertThat(WriteRetryRule.outcomeUnknown(method, failure(failure)).isPresent()).isEqualTo(unknown);
    }

    static Throwable failure(String kind) {
        return switch (kind) {
            case "read-timeout" -> new SocketTimeoutException("Read timed out");
            case "reset" -> new IOException("Connection reset");
            case "refused" -> new ConnectException("Connection refused");
            case "unknown-host" -> new UnknownHostException("tenant.invalid");
            default -> new HttpOperationFailedException("http://x/new/v2.0/tasks/1/cancel", Integer.parseInt(kind), "x",
                    null, Map.of(), "{}");
        };
    }
}
