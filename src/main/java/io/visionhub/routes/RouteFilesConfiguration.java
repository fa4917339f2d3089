package io.visionhub.routes;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.CamelContext;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Loads routes/*.yaml once the hub is ready (so a bad file cannot stop the hub) and, in dev mode, watches the
 * folder. Ready, not merely Camel started: the integrators' routes call the hub's own REST API (the demo MES pushes
 * context to {@code http://127.0.0.1:{{local.server.port}}}), read its beans and start cameras, so they run only
 * once the web server accepts requests and every bean and runner of the start is done (ApplicationReadyEvent).
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
    ApplicationListener<ApplicationReadyEvent> routeFilesStartup(
            ApplicationContext context, RouteFileLoader loader, RouteFileWatcher watcher, RouteFilesProperties props) {
        AtomicBoolean loaded = new AtomicBoolean();
        return event -> {
            // this application's own ready event, once (a child context's would reach here too)
            if (event.getApplicationContext() == context && loaded.compareAndSet(false, true)) {
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
