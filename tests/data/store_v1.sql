-- A store of schema version 1 (threatmap before issue 14), three documents: tests/test_store_migrate.py
PRAGMA user_version=1;
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
Calm in Anbar.','en','Wire','2020-03-04','metadata',NULL,'T a','a.md','[]','2026-12-06T20:37:42+00:00');
INSERT INTO "documents" VALUES('b','ffef2912dc5d9c04912be697dbce6473a10c0171d5b895fb09068767b5b4d9a9','مازال داعش يهدد جبال حمرين والأنبار','ar','Rudaw','2021-01-01','metadata',NULL,'T b','b.md','[]','2026-12-06T20:37:42+00:00');
INSERT INTO "documents" VALUES('c','eed12734b065e466881bb8e8c137912c33ef127b8d93fb6da8b19b37890b04fd','Mosul was quiet.','en','Other',NULL,NULL,NULL,'T c','c.md','[]','2026-12-06T20:37:42+00:00');
CREATE TABLE mentions (
    "doc_id" TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, "start" INTEGER NOT NULL, "end" INTEGER NOT NULL, "surface" TEXT NOT NULL, "place_id" TEXT NOT NULL, "name" TEXT NOT NULL, "place_type" TEXT NOT NULL, "lat" REAL NOT NULL, "lon" REAL NOT NULL, "min_lon" REAL NOT NULL, "min_lat" REAL NOT NULL, "max_lon" REAL NOT NULL, "max_lat" REAL NOT NULL, "geometry_type" TEXT NOT NULL, "precision" INTEGER NOT NULL, "threat" INTEGER NOT NULL, "cue" TEXT, "qualifier" TEXT, "passage_start" INTEGER NOT NULL, "passage_end" INTEGER NOT NULL, "speaker" TEXT, passage TEXT
);
INSERT INTO "mentions" VALUES('a',19,24,'Mosul','mosul','Mosul','city',36.34,43.13,43.13,36.34,43.13,36.34,'Point',1,1,'ISIS',NULL,0,25,'Wire','ISIS attacked near Mosul.');
INSERT INTO "mentions" VALUES('a',34,39,'Anbar','anbar','Anbar','governorate',33.0,42.0,39.0,31.0,44.0,35.0,'Polygon',4,0,NULL,NULL,26,40,'Wire','Calm in Anbar.');
INSERT INTO "mentions" VALUES('b',21,26,'حمرين','hamrin_mountains','Hamrin_Mountains','mountain_range',34.5,44.5,44.0,34.0,45.0,35.0,'Polygon',4,1,'ISIS',NULL,0,35,'Rudaw','مازال داعش يهدد جبال حمرين والأنبار');
INSERT INTO "mentions" VALUES('b',28,35,'الأنبار','anbar','Anbar','governorate',33.0,42.0,39.0,31.0,44.0,35.0,'Polygon',4,1,'ISIS',NULL,0,35,'Rudaw','مازال داعش يهدد جبال حمرين والأنبار');
INSERT INTO "mentions" VALUES('c',0,5,'Mosul','mosul','Mosul','city',36.34,43.13,43.13,36.34,43.13,36.34,'Point',1,0,NULL,NULL,0,16,'Other','Mosul was quiet.');
CREATE INDEX documents_date ON documents(date);
CREATE INDEX documents_source ON documents(source);
CREATE INDEX documents_lang ON documents(lang);
CREATE INDEX mentions_doc ON mentions(doc_id);
CREATE INDEX mentions_place ON mentions(place_id);
CREATE INDEX mentions_type ON mentions(place_type);
CREATE INDEX mentions_threat ON mentions(threat);
CREATE INDEX candidates_doc ON candidates(doc_id);
COMMIT;
