# The regulator's return asks for a free-text explanation of a rejection of up to 300 words.
MAX_REJECTION_WORDS = 300
