package io.github.abuseguard.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/**
 * An embedded Tomcat on a free loopback port with one root context, for the tests that need Tomcat's own request
 * and response objects (the guard reads and writes their bytes directly where it finds them). Add filters, in the
 * order they run, and servlets, then {@link #start()}; {@link #close()} stops and destroys it. Filters and servlets
 * support async processing, as the guard's tarpit needs.
 */
final class TestTomcat implements AutoCloseable {
    private final Tomcat tomcat = new Tomcat();
    private final Connector connector = new Connector();
    private final Context context;

    TestTomcat() throws IOException {
        tomcat.setBaseDir(Files.createTempDirectory("tomcat").toString());
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        context = tomcat.addContext("", null);
    }

    /** The connector, before {@link #start()}: to add an upgrade protocol. */
    Connector connector() {
        return connector;
    }

    /**
     * Maps {@code filter} to every path for the given dispatcher types ({@code REQUEST} alone when none is given),
     * after the filters added before it.
     */
    TestTomcat filter(String name, Filter filter, DispatcherType... dispatchers) {
        FilterDef definition = new FilterDef();
        definition.setFilterName(name);
        definition.setFilter(filter);
        definition.setAsyncSupported("true");
        context.addFilterDef(definition);
        FilterMap map = new FilterMap();
        map.setFilterName(name);
        map.addURLPatternDecoded("/*");
        for (DispatcherType dispatcher :
                dispatchers.length == 0 ? new DispatcherType[] {DispatcherType.REQUEST} : dispatchers) {
            map.setDispatcher(dispatcher.name());
        }
        context.addFilterMap(map);
        return this;
    }

    /** Maps {@code servlet} to {@code pattern}, such as {@code /*} or {@code /nb/*}. */
    TestTomcat servlet(String name, String pattern, Servlet servlet) {
        Wrapper wrapper = Tomcat.addServlet(context, name, servlet);
        wrapper.setAsyncSupported(true);
        context.addServletMappingDecoded(pattern, name);
        return this;
    }

    TestTomcat start() throws LifecycleException {
        tomcat.start();
        return this;
    }

    int port() {
        return connector.getLocalPort();
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    @Override
    public void close() throws LifecycleException {
        tomcat.stop();
        tomcat.destroy();
    }
}
