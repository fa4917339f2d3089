package io.visionhub.simulators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visionhub.enterprise.DeliveryException;
import io.visionhub.enterprise.TargetUrlResolver;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The demo source set wires itself: application.yaml imports config/simulators.yaml (src/demo/resources), which
 * turns the simulators on, and SimulatorsConfiguration contributes the resolver of simulator:<name> urls.
 */
class SimulatorsWiringTest {

    /** application.yaml and its imports, as the hub reads them; free ports instead of the demo's 8091-8094. */
    private final ApplicationContextRunner hub = new ApplicationContextRunner()
            .withInitializer(new ConfigDataApplicationContextInitializer())
            .withUserConfiguration(SimulatorsConfiguration.class)
            .withPropertyValues(
                    "visionhub.simulators.sap-port=0",
                    "visionhub.simulators.maximo-port=0",
                    "visionhub.simulators.oracle-port=0",
                    "visionhub.simulators.webhook-port=0");

    @Test
    void theDemoConfigStartsTheSimulatorsAndSimulatorUrlsFollowThemToTheirPorts() {
        hub.run(ctx -> {
            assertThat(ctx.getEnvironment().getProperty("visionhub.simulators.enabled"))
                    .isEqualTo("true");
            EnterpriseSimulators sims = ctx.getBean(EnterpriseSimulators.class);
            TargetUrlResolver resolver = ctx.getBean(TargetUrlResolver.class);
            assertThat(resolver.resolve("simulator:sap"))
                    .isEqualTo(sims.sap().baseUrl())
                    .doesNotEndWith(":0");
            assertThat(resolver.resolve("simulator:webhook"))
                    .isEqualTo(sims.webhook().baseUrl());
            assertThat(resolver.resolve("https://erp.plant.local"))
                    .as("not its url: left to the others")
                    .isNull();
            assertThatThrownBy(() -> resolver.resolve("simulator:hana"))
                    .isInstanceOf(DeliveryException.class)
                    .hasMessageContaining("simulator:hana")
                    .hasMessageContaining("sap");
        });
    }

    @Test
    void withTheSimulatorsOffASimulatorUrlSaysSoInsteadOfFailingLater() {
        hub.withPropertyValues("visionhub.simulators.enabled=false").run(ctx -> {
            assertThat(ctx).doesNotHaveBean(EnterpriseSimulators.class);
            assertThatThrownBy(() -> ctx.getBean(TargetUrlResolver.class).resolve("simulator:sap"))
                    .isInstanceOfSatisfying(
                            DeliveryException.class,
                            e -> assertThat(e.isPermanent()).isTrue())
                    .hasMessageContaining("simulators are not running");
        });
    }

    @Test
    void withoutConfigurationTheSimulatorsStayOff() {
        new ApplicationContextRunner()
                .withUserConfiguration(SimulatorsConfiguration.class)
                .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(EnterpriseSimulators.class));
    }
}
