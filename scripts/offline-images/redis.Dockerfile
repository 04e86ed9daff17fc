# Redis from Debian's redis-server, in the layout of the official image (redis:7.4, debian variant): user redis
# 999:999, data in /data (VOLUME, WORKDIR), docker-entrypoint.sh that drops root for redis-server, CMD redis-server.
ARG BASE
FROM ${BASE}
# The Debian package the image is made of (scripts/build-offline-images.sh passes it from the component catalogue) and its version.
ARG PACKAGE
ARG VERSION
# The user first, with the official image's ids: redis-tools' postinst then finds it and keeps 999:999.
RUN groupadd -r -g 999 redis && useradd -r -g redis -u 999 -d /data -s /usr/sbin/nologin redis \
 && apt-get update && apt-get install -y "${PACKAGE}=${VERSION}" redis-tools="${VERSION}" \
 && apt-get clean && rm -rf /var/lib/apt/lists/* /var/log/apt /var/log/dpkg.log \
 && mkdir /data && chown redis:redis /data
COPY redis-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
VOLUME /data
WORKDIR /data
ENTRYPOINT ["docker-entrypoint.sh"]
EXPOSE 6379
CMD ["redis-server"]
