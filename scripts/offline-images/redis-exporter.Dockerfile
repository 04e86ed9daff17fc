# redis_exporter from Debian's prometheus-redis-exporter, in the layout of oliver006/redis_exporter (scratch
# release): /redis_exporter as the numeric user 59000:59000 (no passwd entry, as upstream) on :9121.
ARG BASE
FROM ${BASE}
# The Debian package the image is made of (scripts/build-offline-images.sh passes it from the component catalogue) and its version.
ARG PACKAGE
ARG VERSION
RUN apt-get update && apt-get install -y "${PACKAGE}=${VERSION}" \
 && apt-get clean && rm -rf /var/lib/apt/lists/* /var/log/apt /var/log/dpkg.log \
 && ln -s /usr/bin/prometheus-redis-exporter /redis_exporter
USER 59000:59000
EXPOSE 9121
ENTRYPOINT ["/redis_exporter"]
