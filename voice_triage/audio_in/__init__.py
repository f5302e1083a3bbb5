"""Audio in: microphone capture, WAV reading/resampling, end-of-speech detection, earcons."""

from .earcon import earcon
from .endpoint import FRAME, EndpointConfig, Endpointer, Utterance, find_speech, frames_of
from .errors import AudioError, DeviceLost, NoMicrophone, NoSpeech
from .mic import Microphone, default_input_device, list_devices
from .wav import SAMPLE_RATE, read_audio, resample, to_pcm16, write_wav

__all__ = [
    "AudioError", "DeviceLost", "NoMicrophone", "NoSpeech",
    "EndpointConfig", "Endpointer", "Utterance", "find_speech", "frames_of", "FRAME",
    "Microphone", "default_input_device", "list_devices",
    "SAMPLE_RATE", "read_audio", "resample", "to_pcm16", "write_wav", "earcon",
]
