# blackbox_exporter from Debian's prometheus-blackbox-exporter, in the layout of prom/blackbox-exporter:
# /bin/blackbox_exporter as user nobody on :9115, the config at /etc/blackbox_exporter/config.yml (the stack passes
# --config.file for its own file). The http and tcp probers need no capability (only icmp wants NET_RAW).
ARG BASE
FROM ${BASE}
# The Debian package the image is made of (scripts/build-offline-images.sh passes it from the component catalogue) and its version.
ARG PACKAGE
ARG VERSION
RUN apt-get update && apt-get install -y --no-install-recommends "${PACKAGE}=${VERSION}" \
 && apt-get clean && rm -rf /var/lib/apt/lists/* /var/log/apt /var/log/dpkg.log \
 && ln -s /usr/bin/prometheus-blackbox-exporter /bin/blackbox_exporter \
 && mkdir -p /etc/blackbox_exporter && cp /etc/prometheus/blackbox.yml /etc/blackbox_exporter/config.yml
USER nobody
EXPOSE 9115
ENTRYPOINT ["/bin/blackbox_exporter"]
CMD ["--config.file=/etc/blackbox_exporter/config.yml"]
