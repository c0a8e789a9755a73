"""The app: kata 5.2's lifespan (from db.py), and the posts router included under /posts."""

from fastapi import FastAPI

from .db import lifespan
from .posts import router as posts_router

app = FastAPI(title="Blog", lifespan=lifespan)

# TODO: include posts_router under the prefix /posts, with the tag "posts"

