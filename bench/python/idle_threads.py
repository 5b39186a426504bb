"""Ten threads that mostly sleep, for measuring the cost of the /proc sampler. Exits after argv[1] s."""
import sys
import threading
import time


def nap():
    while True:
        time.sleep(0.01)


for _ in range(9):
    threading.Thread(target=nap, daemon=True).start()
time.sleep(float(sys.argv[1]))
