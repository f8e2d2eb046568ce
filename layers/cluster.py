"""Towns clustered by Leaflet.markercluster (bundled from xstatic-leaflet-markercluster) until a town zoom."""

from __future__ import annotations

from folium.plugins import MarkerCluster

UNCLUSTER_ZOOM = 9
"""From this zoom on every town is drawn on its own."""
RADIUS_PX = 35
ICON_JS = """function(cluster) {
    var threat = cluster.getAllChildMarkers().some(function(m) {
        return m.feature && m.feature.properties && m.feature.properties.threats > 0; });
    var n = cluster.getChildCount();
    return L.divIcon({html: '<div class="tm-cluster' + (threat ? ' threat' : '') + '">' + n + '</div>',
                      className: 'tm-cluster-icon', iconSize: L.point(28, 28)});
}"""
"""Cluster icon: the count in a circle, red-rimmed when any town inside has threat reports."""
CSS = (
    ".tm-cluster{width:28px;height:28px;border-radius:50%;background:rgba(80,80,80,.75);color:#fff;"
    "font:600 11px/28px sans-serif;text-align:center;border:2px solid #fff}"
    ".tm-cluster.threat{background:rgba(179,0,0,.8)}"
)


def point_cluster() -> MarkerCluster:
    """An empty cluster group for one GeoJson layer of points (markercluster flattens the layer group)."""
    return MarkerCluster(
        control=False,
        options={"disableClusteringAtZoom": UNCLUSTER_ZOOM, "maxClusterRadius": RADIUS_PX,
                 "showCoverageOnHover": False, "spiderfyOnMaxZoom": False},
        icon_create_function=ICON_JS,
    )
