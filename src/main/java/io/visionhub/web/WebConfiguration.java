package io.visionhub.web;

import io.visionhub.context.ProductionContextStore;
import io.visionhub.ledger.disposition.DispositionQueries;
import io.visionhub.quality.alarm.AlarmBoard;
import io.visionhub.quality.oee.QualityRates;
import org.apache.camel.CamelContext;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.thymeleaf.ITemplateEngine;

/** The operator web app's services: the lines it knows, the line screens' memory and the live stream. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "visionhub.web", name = "enabled", matchIfMissing = true)
public class WebConfiguration {

    @Bean
    LineDirectory lineDirectory(
            ObjectProvider<CamelContext> camel,
            ObjectProvider<ProductionContextStore> contexts,
            NamedParameterJdbcTemplate jdbc,
            WebProperties props) {
        return new LineDirectory(camel, contexts, jdbc, props);
    }

    @Bean
    LiveStream liveStream(WebProperties props) {
        return new LiveStream(props.clientQueue(), props.maxClients());
    }

    @Bean
    LineFragments lineFragments(ITemplateEngine templateEngine) {
        return new LineFragments(templateEngine);
    }

    @Bean
    PlantStates plantStates(ListableBeanFactory beans) {
        return new PlantStates(beans);
    }

    @Bean
    LineBoard lineBoard(
            WebProperties props,
            LineDirectory directory,
            NamedParameterJdbcTemplate jdbc,
            ObjectProvider<DispositionQueries> dispositions,
            ObjectProvider<QualityRates> rates,
            ObjectProvider<AlarmBoard> alarms,
            ObjectProvider<ProductionContextStore> contexts,
            LiveStream stream,
            LineFragments fragments,
            PlantStates states) {
        return new LineBoard(props, directory, jdbc, dispositions, rates, alarms, contexts, stream, fragments, states);
    }

    /** Alarm listener and state pulse once every bean (the optional alarm board too) is there. */
    @EventListener(ApplicationReadyEvent.class)
    void startLineBoard(ApplicationReadyEvent ready) {
        ready.getApplicationContext().getBean(LineBoard.class).start();
    }
}
