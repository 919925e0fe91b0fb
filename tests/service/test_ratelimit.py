"""The sliding window limiter."""

from __future__ import annotations

from service.ratelimit import SlidingWindowLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_allows_limit_then_refuses_until_the_window_slides():
    clock = Clock()
    limiter = SlidingWindowLimiter(3, 60, clock=clock)
    assert [limiter.hit("a") for _ in range(3)] == [None, None, None]
    assert limiter.hit("a") == 60.0
    assert limiter.hit("b") is None  # per client
    clock.now += 30
    assert limiter.hit("a") == 30.0
    clock.now += 30.01
    assert limiter.hit("a") is None


def test_zero_turns_it_off_and_header_rounds_up():
    limiter = SlidingWindowLimiter(0)
    assert all(limiter.hit("a") is None for _ in range(1000))
    assert SlidingWindowLimiter.retry_after_header(0.2) == "1"
    assert SlidingWindowLimiter.retry_after_header(12.1) == "13"


def test_memory_stays_bounded():
    clock = Clock()
    limiter = SlidingWindowLimiter(5, 60, clock=clock, max_keys=100)
    for i in range(1000):
        limiter.hit(f"client-{i}")
    assert len(limiter._hits) <= 100
