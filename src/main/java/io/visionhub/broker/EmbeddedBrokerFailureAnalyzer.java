package io.visionhub.broker;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports a jar without the embedded broker as one description and one action, not a stack of bean errors. */
public class EmbeddedBrokerFailureAnalyzer extends AbstractFailureAnalyzer<EmbeddedBrokerNotInJarException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, EmbeddedBrokerNotInJarException cause) {
        return new FailureAnalysis(
                EmbeddedBrokerNotInJarException.DESCRIPTION, EmbeddedBrokerNotInJarException.ACTION, cause);
    }
}
