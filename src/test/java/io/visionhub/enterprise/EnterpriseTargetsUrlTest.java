package io.visionhub.enterprise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Target urls: http(s) as written, other names only through a TargetUrlResolver of the build. */
class EnterpriseTargetsUrlTest {

    @Test
    void httpAndHttpsUrlsAreTakenAsWritten() {
        EnterpriseTargets targets = new EnterpriseTargets(Map.of(), TargetUrlResolver.NONE);
        assertThat(targets.url("https://erp.plant.local:8443")).isEqualTo("https://erp.plant.local:8443");
        assertThat(targets.url("HTTP://127.0.0.1:8091/sap")).isEqualTo("HTTP://127.0.0.1:8091/sap");
    }

    @Test
    void aNameNoResolverKnowsIsRefusedAsPermanentNamingTheUrl() {
        EnterpriseTargets targets = new EnterpriseTargets(Map.of(), TargetUrlResolver.NONE);
        assertThatThrownBy(() -> targets.url("simulator:sap"))
                .isInstanceOfSatisfying(
                        DeliveryException.class,
                        e -> assertThat(e.isPermanent()).isTrue())
                .hasMessageContaining("simulator:sap")
                .hasMessageContaining("not an http(s) URL");
        assertThatThrownBy(() -> targets.url("erp.plant.local:8443")).isInstanceOf(DeliveryException.class);
        assertThatThrownBy(() -> targets.url(" ")).hasMessageContaining("no url");
    }

    @Test
    void theFirstResolverThatAnswersWinsAndOthersAreAskedInOrder() {
        TargetUrlResolver demo = url -> url.startsWith("demo:") ? "http://127.0.0.1:9/" + url.substring(5) : null;
        TargetUrlResolver other =
                url -> url.startsWith("demo:") ? "http://wrong" : url.startsWith("lab:") ? "http://lab" : null;
        EnterpriseTargets targets = new EnterpriseTargets(Map.of(), TargetUrlResolver.firstOf(List.of(demo, other)));
        assertThat(targets.url("demo:sap")).isEqualTo("http://127.0.0.1:9/sap");
        assertThat(targets.url("lab:x")).isEqualTo("http://lab");
        assertThat(targets.url("https://erp")).isEqualTo("https://erp");
    }
}
