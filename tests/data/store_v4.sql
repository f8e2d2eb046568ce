-- A store of schema version 4 (main before issue 14, with issue 13's reviews): tests/test_store_migrate.py
PRAGMA user_version=4;
BEGIN TRANSACTION;
CREATE TABLE candidates (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    surface TEXT NOT NULL, trigger TEXT, passage TEXT
);
CREATE TABLE documents (
    id TEXT PRIMARY KEY, content_hash TEXT NOT NULL UNIQUE, text TEXT NOT NULL, lang TEXT, source TEXT,
    date TEXT, date_origin TEXT, url TEXT, title TEXT, path TEXT, speakers TEXT NOT NULL DEFAULT '[]',
    ingested_at TEXT NOT NULL
);
INSERT INTO "documents" VALUES('a','f802d023a9e7e6fa81c694df163fa22b36f649928f948700de110f3063312885','ISIS attacked near Mosul.
Calm in Anbar.','en','Wire','2020-03-04','metadata',NULL,'T a','a.md','[]','2026-12-06T23:15:05+00:00');
INSERT INTO "documents" VALUES('b','ffef2912dc5d9c04912be697dbce6473a10c0171d5b895fb09068767b5b4d9a9','مازال داعش يهدد جبال حمرين والأنبار','ar','Rudaw','2021-01-01','metadata',NULL,'T b','b.md','[]','2026-12-06T23:15:05+00:00');
INSERT INTO "documents" VALUES('c','6530ecea963fa6aa338d5bc97ca13a59b90282f478b43f66dfd9bf60b79c6a54','Mosul was quiet.
The road to Tikrit is open.','en','Wire',NULL,NULL,NULL,'T c','c.md','[]','2026-12-06T23:15:05+00:00');
CREATE TABLE mentions (
    "doc_id" TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, "start" INTEGER NOT NULL, "end" INTEGER NOT NULL, "surface" TEXT NOT NULL, "place_id" TEXT, "name" TEXT NOT NULL, "place_type" TEXT NOT NULL, "lat" REAL NOT NULL, "lon" REAL NOT NULL, "min_lon" REAL NOT NULL, "min_lat" REAL NOT NULL, "max_lon" REAL NOT NULL, "max_lat" REAL NOT NULL, "geometry_type" TEXT NOT NULL, "precision" INTEGER NOT NULL, "threat" INTEGER NOT NULL, "threat_p" REAL, "cue" TEXT, "qualifier" TEXT, "passage_start" INTEGER NOT NULL, "passage_end" INTEGER NOT NULL, "speaker" TEXT, "resolved_by" TEXT NOT NULL
);
INSERT INTO "mentions" VALUES('a',19,24,'Mosul','mosul','Mosul','city',36.34,43.13,43.13,36.34,43.13,36.34,'Point',1,1,NULL,'ISIS',NULL,0,25,'Wire','gazetteer');
INSERT INTO "mentions" VALUES('a',34,39,'Anbar','anbar','Anbar','governorate',33.0,42.0,39.0,31.0,44.0,35.0,'Polygon',4,0,NULL,NULL,NULL,26,40,'Wire','gazetteer');
INSERT INTO "mentions" VALUES('b',21,26,'حمرين','hamrin_mountains','Hamrin_Mountains','mountain_range',34.5,44.5,44.0,34.0,45.0,35.0,'Polygon',4,1,NULL,'ISIS',NULL,0,35,'Rudaw','gazetteer');
INSERT INTO "mentions" VALUES('b',28,35,'الأنبار','anbar','Anbar','governorate',33.0,42.0,39.0,31.0,44.0,35.0,'Polygon',4,1,NULL,'ISIS',NULL,0,35,'Rudaw','gazetteer');
INSERT INTO "mentions" VALUES('c',0,5,'Mosul','mosul','Mosul','city',36.34,43.13,43.13,36.34,43.13,36.34,'Point',1,0,NULL,NULL,NULL,0,16,'Wire','gazetteer');
CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO "meta" VALUES('revision',6);
CREATE TABLE review_history (seq INTEGER PRIMARY KEY AUTOINCREMENT, action TEXT NOT NULL, text_hash TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, doc_id TEXT NOT NULL,
    surface TEXT NOT NULL, threat INTEGER, not_a_place INTEGER NOT NULL DEFAULT 0, place_id TEXT, name TEXT,
    place_type TEXT, lat REAL, lon REAL, min_lon REAL, min_lat REAL, max_lon REAL, max_lat REAL, geometry_type TEXT,
    precision INTEGER, reviewer TEXT, reason TEXT, reviewed_at TEXT NOT NULL);
INSERT INTO "review_history" VALUES(1,'review','3163c4bbd8f650b91c2e6e1eebd07a6a6441a118f85c1ac39f10518527e56ba7',34,39,'a','Anbar',1,0,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'ana','raids','2026-12-06T23:15:05+00:00');
INSERT INTO "review_history" VALUES(2,'review','9b203d6e74421c288cd88a3dfa97eaa3ef50f63568e6e74dc1df45d7db709a24',0,5,'c','Mosul',NULL,1,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'ana',NULL,'2026-12-06T23:15:06+00:00');
INSERT INTO "review_history" VALUES(3,'review','9b203d6e74421c288cd88a3dfa97eaa3ef50f63568e6e74dc1df45d7db709a24',29,35,'c','Tikrit',0,0,'tikrit','Tikrit','city',34.6,43.68,43.68,34.6,43.68,34.6,'Point',1,'bo',NULL,'2026-12-06T23:15:06+00:00');
CREATE TABLE reviews (text_hash TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, doc_id TEXT NOT NULL,
    surface TEXT NOT NULL, threat INTEGER, not_a_place INTEGER NOT NULL DEFAULT 0, place_id TEXT, name TEXT,
    place_type TEXT, lat REAL, lon REAL, min_lon REAL, min_lat REAL, max_lon REAL, max_lat REAL, geometry_type TEXT,
    precision INTEGER, reviewer TEXT, reason TEXT, reviewed_at TEXT NOT NULL, PRIMARY KEY (text_hash, start, "end"));
INSERT INTO "reviews" VALUES('3163c4bbd8f650b91c2e6e1eebd07a6a6441a118f85c1ac39f10518527e56ba7',34,39,'a','Anbar',1,0,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'ana','raids','2026-12-06T23:15:05+00:00');
INSERT INTO "reviews" VALUES('9b203d6e74421c288cd88a3dfa97eaa3ef50f63568e6e74dc1df45d7db709a24',0,5,'c','Mosul',NULL,1,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'ana',NULL,'2026-12-06T23:15:06+00:00');
INSERT INTO "reviews" VALUES('9b203d6e74421c288cd88a3dfa97eaa3ef50f63568e6e74dc1df45d7db709a24',29,35,'c','Tikrit',0,0,'tikrit','Tikrit','city',34.6,43.68,43.68,34.6,43.68,34.6,'Point',1,'bo',NULL,'2026-12-06T23:15:06+00:00');
CREATE INDEX documents_date ON documents(date);
CREATE INDEX documents_source ON documents(source);
CREATE INDEX documents_lang ON documents(lang);
CREATE INDEX mentions_doc ON mentions(doc_id);
CREATE INDEX mentions_place ON mentions(place_id);
CREATE INDEX mentions_type ON mentions(place_type);
CREATE INDEX mentions_threat ON mentions(threat);
CREATE INDEX candidates_doc ON candidates(doc_id);
DELETE FROM "sqlite_sequence";
INSERT INTO "sqlite_sequence" VALUES('review_history',3);
COMMIT;
