package io.visionhub.quality.ncr;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.validation.ValidationAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** visionhub.quality.ncr: defaults, and a bad value stops start-up with a message naming the key. */
class NcrPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(NcrProperties.class)
    static class Props {}

    final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Props.class);

    @Test
    void defaultsWhenNothingIsSet() {
        runner.run(ctx -> {
            NcrProperties p = ctx.getBean(NcrProperties.class);
            assertThat(p.enabled()).isTrue();
            assertThat(p.threshold()).isEqualTo(3);
            assertThat(p.window()).isEqualTo(Duration.ofMinutes(15));
            assertThat(p.dispositions()).containsExactly("REJECT", "REWORK");
            assertThat(p.targets()).isEmpty();
        });
    }

    @Test
    void aThresholdBelowOneFailsStartUpNamingTheKey() {
        runner.withPropertyValues("visionhub.quality.ncr.threshold=0")
                .run(ctx -> assertThat(ctx)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("visionhub.quality.ncr.threshold")
                        .hasMessageContaining("must be at least 1"));
    }

    @Test
    void anUnknownDispositionKindFailsStartUpNamingTheKey() {
        runner.withPropertyValues("visionhub.quality.ncr.dispositions=REJECT,SCRAP")
                .run(ctx -> assertThat(ctx)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("visionhub.quality.ncr.dispositions")
                        .hasMessageContaining("must be REJECT, REWORK, USE_AS_IS or ACCEPT"));
    }

    @Test
    void aLinkBaseThatIsNoHttpUrlFailsStartUpNamingTheKey() {
        runner.withPropertyValues("visionhub.quality.ncr.link-base=hub.plant.local")
                .run(ctx -> assertThat(ctx)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("visionhub.quality.ncr.link-base")
                        .hasMessageContaining("must be empty or an http(s) URL"));
        runner.withPropertyValues("visionhub.quality.ncr.link-base=https://hub.plant.local/")
                .run(ctx ->
                        assertThat(ctx.getBean(NcrProperties.class).linkBase()).isEqualTo("https://hub.plant.local"));
    }

    @Test
    void aWindowThatIsNoDurationOrNotPositiveFailsStartUpNamingTheKey() {
        runner.withPropertyValues("visionhub.quality.ncr.window=soon")
                .run(ctx -> assertThat(ctx).getFailure().hasStackTraceContaining("visionhub.quality.ncr.window"));
        runner.withPropertyValues("visionhub.quality.ncr.window=0s")
                .run(ctx -> assertThat(ctx)
                        .getFailure()
                        .hasStackTraceContaining("visionhub.quality.ncr.window must be a positive duration"));
    }
}
