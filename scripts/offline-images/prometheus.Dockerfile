# Prometheus from Debian's package, in the layout of quay.io/prometheus/prometheus: /bin/prometheus as user nobody
# (65534:65534), config /etc/prometheus/prometheus.yml, data /prometheus (VOLUME, WORKDIR), consoles under
# /usr/share/prometheus, the upstream default arguments.
ARG BASE
FROM ${BASE}
# The Debian package the image is made of (scripts/build-offline-images.sh passes it from the component catalogue) and its version.
ARG PACKAGE
ARG VERSION
# The web UI's libjs-moment-timezone ships 212 MB of per-zone data files the server never serves: excluded by dpkg.
RUN echo 'path-exclude=/usr/share/javascript/moment-timezone/data/*' > /etc/dpkg/dpkg.cfg.d/nexustrade-prometheus \
 && apt-get update && apt-get install -y "${PACKAGE}=${VERSION}" \
 && apt-get clean && rm -rf /var/lib/apt/lists/* /var/log/apt /var/log/dpkg.log \
 && mkdir -p /prometheus /usr/share/prometheus \
 && ln -s /etc/prometheus/consoles /usr/share/prometheus/consoles \
 && ln -s /etc/prometheus/console_libraries /usr/share/prometheus/console_libraries \
 && chown -R nobody:nogroup /etc/prometheus /prometheus
USER nobody
EXPOSE 9090
VOLUME ["/prometheus"]
WORKDIR /prometheus
ENTRYPOINT ["/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus", \
     "--web.console.libraries=/usr/share/prometheus/console_libraries", "--web.console.templates=/usr/share/prometheus/consoles"]
