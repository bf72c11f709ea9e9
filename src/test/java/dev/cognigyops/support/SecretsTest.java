package dev.cognigyops.support;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Secrets never leave the program: registered values and secret-looking fields are masked. */
class SecretsTest {

    @Test
    void masksEveryOccurrenceOfARegisteredValue() {
        String secret = "reg-" + UUID.randomUUID();
        Secrets.register(secret);
        try {
            assertThat(Secrets.redact("a " + secret + " b " + secret)).isEqualTo("a **** b ****");
            assertThat(Secrets.redact("{\"note\":\"" + secret + "\"}")).isEqualTo("{\"note\":\"****\"}");
        } finally {
            Secrets.forget(secret);
        }
    }

    @Test
    void registeredValuesAreTrimmed() {
        String secret = "trim-" + UUID.randomUUID();
        Secrets.register("  " + secret + "\n");
        try {
            assertThat(Secrets.redact("x" + secret + "y")).isEqualTo("x****y");
        } finally {
            Secrets.forget(secret);
        }
    }

    @Test
    void aSecretThatContainsAnotherIsMaskedWhole() {
        String shorter = "tok0" + UUID.randomUUID().toString().substring(0, 6);
        String longer = shorter + "-tail";
        Secrets.register(shorter);
        Secrets.register(longer);
        try {
            for (int i = 0; i < 20; i++) {
                assertThat(Secrets.redact("value " + longer)).isEqualTo("value ****");
            }
        } finally {
            Secrets.forget(shorter);
            Secrets.forget(longer);
        }
    }

    @Test
    void ordinaryWordsAfterBasicOrBearerStayReadable() {
        assertThat(Secrets.redact("Use basic authentication for the webhook")).isEqualTo("Use basic authentication for the webhook");
        assertThat(Secrets.redact("Bearer tokens are renewed early")).isEqualTo("Bearer tokens are renewed early");
    }

    @Test
    void aQuotedSecretIsMaskedUpToItsClosingQuote() {
        assertThat(Secrets.redact("{\"client_secret\":\"ab,cd}ef\",\"x\":1}")).isEqualTo("{\"client_secret\":\"****\",\"x\":1}");
        assertThat(Secrets.redact("{\"password\": \"p\\\"q\"}")).isEqualTo("{\"password\": \"****\"}");
    }

    @Test
    void forgottenValuesAreNoLongerMasked() {
        String secret = "gone-" + UUID.randomUUID();
        Secrets.register(secret);
        Secrets.forget(secret);

        assertThat(Secrets.redact("value " + secret)).isEqualTo("value " + secret);
    }

    @ParameterizedTest(name = "''{0}'' is too short to register")
    @ValueSource(strings = {"a", "ab12", "Zq9x7", "  Zq9x7  ", "     "})
    void ignoresShortValues(String shortValue) {
        Secrets.register(shortValue);
        try {
            String text = "route Zq9x7 took ab12 ms";
            assertThat(Secrets.redact(text)).isEqualTo(text);
        } finally {
            Secrets.forget(shortValue);
        }
    }

    @Test
    void sixCharactersAreEnoughToRegister() {
        String secret = "Q7w" + "E9r";
        Secrets.register(secret);
        try {
            assertThat(Secrets.redact("key=" + secret + ";")).isEqualTo("key=****;");
        } finally {
            Secrets.forget(secret);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "Authorization: Bearer eyJhbGciOi.J9eyJzdWIi.OiIxMjM0 |Authorization: Bearer ****",
            "authorization: bearer abc-DEF_123~+/=                |authorization: bearer ****",
            "Authorization: Basic Y2xpZW50OnNlY3JldA==            |Authorization: Basic ****",
            "grant_type=client_credentials&client_secret=s3cr3t&scope=a |grant_type=client_credentials&client_secret=****&scope=a",
            "client_secret=only                                   |client_secret=****",
            "`{\"access_token\":\"eyJ.abc.def\",\"expires_in\":3600}` |`{\"access_token\":\"****\",\"expires_in\":3600}`",
            "`{\"refresh_token\": \"r-123\"}`                     |`{\"refresh_token\": \"****\"}`",
            "aws_secret_access_key = fake-key/for+tests |aws_secret_access_key = ****",
            "AWS_SECRET_ACCESS_KEY=fake-aws-key                  |AWS_SECRET_ACCESS_KEY=****",
            "password: hunter2 and more                           |password: **** and more",
            "PassWord=hunter2                                     |PassWord=****",
            "Authorization: BEARER abc.DEF.1234                   |Authorization: BEARER ****",
            "`'client_secret': 'abc'`                             |`'client_secret': '****'`"})
    void masksSecretLookingFieldsByPattern(String text, String expected) {
        assertThat(Secrets.redact(text.strip())).isEqualTo(expected.strip());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "export job 42 is RUNNING (40%)",
            "{\"modelId\":\"intent-classifier\",\"modelVersion\":\"1.4.0\",\"status\":\"TRAINED\"}",
            "s3://artifacts/nlu-exports/m/1/e.onnx stored in 1.25 s",
            "token endpoint answered without an access_token",
            "client_id=cognigy-ops&grant_type=client_credentials"})
    void leavesTextWithoutSecretsUnchanged(String text) {
        assertThat(Secrets.redact(text)).isEqualTo(text);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void nullAndEmptyStayAsTheyAre(String text) {
        assertThat(Secrets.redact(text)).isEqualTo(text);
    }
}
