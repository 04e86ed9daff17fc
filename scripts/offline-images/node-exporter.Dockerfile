# node_exporter from Debian's prometheus-node-exporter, in the layout of quay.io/prometheus/node-exporter:
# /bin/node_exporter as user nobody on :9100, no default arguments. Debian's build turns the systemd collector on
# by default (upstream: off); a container has no system D-Bus, so it is turned off again in the entrypoint.
ARG BASE
FROM ${BASE}
# The Debian package the image is made of (scripts/build-offline-images.sh passes it from the component catalogue) and its version.
ARG PACKAGE
ARG VERSION
RUN apt-get update && apt-get install -y "${PACKAGE}=${VERSION}" \
 && apt-get clean && rm -rf /var/lib/apt/lists/* /var/log/apt /var/log/dpkg.log \
 && ln -s /usr/bin/prometheus-node-exporter /bin/node_exporter
USER nobody
EXPOSE 9100
ENTRYPOINT ["/bin/node_exporter", "--no-collector.systemd"]
