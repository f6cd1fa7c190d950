# Builds the teams-device-operator CLI (operator, device proxy, preview) into a slim, non-root image.
# The embedded control plane (src/localcluster, the `cluster` command) is built but left out of the image.
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
COPY src/apimachinery/package.json ./src/apimachinery/
COPY src/localcluster/package.json ./src/localcluster/
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY crds ./crds
RUN rm -rf src/*/test && npx tsc -p tsconfig.json && npm run build:packages && npm prune --omit=dev \
  && rm -rf dist/src/localcluster dist/node_modules/@teams-device-operator/localcluster \
    node_modules/@teams-device-operator

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist/src ./dist/src
COPY --from=build /src/dist/node_modules ./dist/node_modules
COPY --from=build /src/crds ./crds
USER node
ENTRYPOINT ["node", "/app/dist/src/cli/bin.js"]
CMD ["--help"]
