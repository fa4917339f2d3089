package io.visionhub.web.review;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;

/** visionhub.quality.reason-codes: the shipped defaults bind; a bad list stops the start naming the entry. */
class ReasonCodePropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(ReasonCodeProperties.class)
    static class Bind {}

    final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Bind.class);

    static Throwable root(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    @Test
    void theShippedDefaultsBindAndCodesAreUpperCase() {
        YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
        yaml.setResources(new ClassPathResource("config/quality-review.yaml"));
        Properties shipped = yaml.getObject();
        assertThat(shipped).isNotEmpty();
        runner.withPropertyValues(shipped.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .toArray(String[]::new))
                .run(ctx -> {
                    ReasonCodeProperties p = ctx.getBean(ReasonCodeProperties.class);
                    assertThat(p.reasonCodes())
                            .extracting(ReasonCodeProperties.ReasonCode::code)
                            .contains("WITHIN-SPEC", "COSMETIC", "REWORKABLE");
                    assertThat(p.find("cosmetic").text()).isNotBlank();
                    assertThat(p.find("NOT-A-CODE")).isNull();
                });
    }

    @Test
    void aBadListStopsTheStartNamingTheKey() {
        String[][] bad = {
            {},
            {"visionhub.quality.reason-codes[0].code=A", "visionhub.quality.reason-codes[0].text="},
            {"visionhub.quality.reason-codes[0].text=no code"},
            {"visionhub.quality.reason-codes[0].code=has space", "visionhub.quality.reason-codes[0].text=t"},
            {
                "visionhub.quality.reason-codes[0].code=A", "visionhub.quality.reason-codes[0].text=t",
                "visionhub.quality.reason-codes[1].code=a", "visionhub.quality.reason-codes[1].text=u"
            },
        };
        String[] says = {
            "is empty", "[0].text is missing", "[0].code is missing", "is not a code", "[1].code a is listed twice"
        };
        for (int i = 0; i < bad.length; i++) {
            int n = i;
            runner.withPropertyValues(bad[i]).run(ctx -> {
                assertThat(ctx).hasFailed();
                assertThat(root(ctx.getStartupFailure()).getMessage())
                        .as(String.join(", ", bad[n]))
                        .contains("visionhub.quality.reason-codes", says[n]);
            });
        }
    }
}
