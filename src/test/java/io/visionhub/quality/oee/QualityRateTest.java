package io.visionhub.quality.oee;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class QualityRateTest {

    @Test
    void dispositionsMoveAPartBetweenGoodAndLossAndUndecidedUncertainStaysPending() {
        QualityRate q = QualityRate.NONE;
        for (int i = 0; i < 90; i++) {
            q = q.plus("OK", null);
        }
        q = q.plus("NG", "USE_AS_IS")
                .plus("UNCERTAIN", "ACCEPT") // good after a signed decision
                .plus("NG", "REWORK")
                .plus("NG", "REJECT")
                .plus("UNCERTAIN", "REJECT")
                .plus("NG", null)
                .plus("NG", null)
                .plus("UNCERTAIN", null)
                .plus("UNCERTAIN", null)
                .plus("UNCERTAIN", null);
        assertThat(q.total()).isEqualTo(100);
        assertThat(q.good()).isEqualTo(92);
        assertThat(q.rework()).isEqualTo(1);
        assertThat(q.scrap()).isEqualTo(2);
        assertThat(q.pending()).isEqualTo(3);
        assertThat(q.rejectedUndecided()).isEqualTo(2);
        assertThat(q.rate()).isCloseTo(0.92, within(1e-12));
    }

    @Test
    void aRateOfNothingIsNotAHundredPercent() {
        assertThat(QualityRate.NONE.rate()).isNaN();
    }

    @Test
    void unknownVerdictsAndDispositionsAreRefusedByName() {
        assertThatThrownBy(() -> QualityRate.NONE.plus("MAYBE", null)).hasMessageContaining("unknown verdict MAYBE");
        assertThatThrownBy(() -> QualityRate.NONE.plus("NG", "SELL")).hasMessageContaining("unknown disposition SELL");
        assertThatThrownBy(() -> new QualityRate(1, 2, 0, 0, 0)).hasMessageContaining("inconsistent");
    }
}
