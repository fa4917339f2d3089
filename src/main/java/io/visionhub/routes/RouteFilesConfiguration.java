package io.visionhub.routes;

import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Loads routes/*.yaml after Camel has started (so a bad file cannot stop the hub) and, in dev mode,
 * watches the folder.
 */
@Configuration(proxyBeanMethods = false)
public class RouteFilesConfiguration {

    @Bean
    RouteFileLoader routeFileLoader(CamelContext camel) {
        return new RouteFileLoader(camel);
    }

    @Bean(destroyMethod = "close")
    RouteFileWatcher routeFileWatcher(RouteFileLoader loader, RouteFilesProperties props) {
        return new RouteFileWatcher(loader, props.dir());
    }

    @Bean
    CamelContextConfiguration routeFilesStartup(RouteFileLoader loader, RouteFileWatcher watcher,
                                                RouteFilesProperties props) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camelContext) {
            }

            @Override
            public void afterApplicationStart(CamelContext camelContext) {
                loader.loadAll(props.dir());
                if (props.reload()) {
                    watcher.start(props.pollInterval().toMillis());
                }
            }
        };
    }

    @Bean(name = "routeFilesHealthIndicator")
    RouteFilesHealthIndicator routeFiles(RouteFileLoader loader) {
        return new RouteFilesHealthIndicator(loader);
    }
}
