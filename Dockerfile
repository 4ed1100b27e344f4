# ResourceMap: API + web map in one image. Build context: the repository root.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY ResourceMap.sln ./
COPY src/MapApi/MapApi.csproj src/MapApi/
RUN dotnet restore src/MapApi/MapApi.csproj
COPY src/MapApi/ src/MapApi/
RUN dotnet publish src/MapApi/MapApi.csproj -c Release -o /out --no-restore

FROM node:20-bookworm-slim AS web
WORKDIR /web
COPY src/MapWeb/package.json src/MapWeb/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY src/MapWeb/ ./

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /out ./
COPY --from=web /web /app/MapWeb
COPY data/ /app/data/
ENV ASPNETCORE_URLS=http://0.0.0.0:5080 \
    RESOURCEMAP_DATA_DIR=/app/data \
    RESOURCEMAP_WEB_ROOT=/app/MapWeb \
    RESOURCEMAP_PHOTO_DIR=/var/lib/resourcemap/photos
# Photos and logos live in a volume (docker-compose.yml); the app runs as the image's non-root user.
RUN mkdir -p /var/lib/resourcemap/photos && chown -R $APP_UID /var/lib/resourcemap
USER $APP_UID
EXPOSE 5080
ENTRYPOINT ["dotnet", "MapApi.dll"]
